// The C names of Triton's functions, defined inside the backend library.
//
// Each is a hidden function (never exported, so the library still exports
// only the TRITONBACKEND_* entry points) that calls the server's function
// through server_functions; the compiler makes it one indirect jump, as the
// dynamic linker's PLT entry it replaces was. The parameter types come from
// the declarations in tritonserver_api.h / tritonbackend_api.h, so a
// function is added by one line in ORTB_TRITON_SERVER_FUNCTIONS; a wrong
// parameter count there is a compile error (a C function declared twice
// with different parameters).
//
// Only the shared backend compiles this file. The execute unit tests link
// the same pipeline against tests/unit/fake_server/, which defines these
// names itself.

#include <cstddef>
#include <tuple>

#include "triton_api/server_functions.h"

namespace {

template <typename F>
struct Signature;
template <typename R, typename... Args>
struct Signature<R (*)(Args...)> {
  using Return = R;
  template <std::size_t I>
  using Arg = std::tuple_element_t<I, std::tuple<Args...>>;
};

}  // namespace

#define ORTB_SIGNATURE(name) Signature<decltype(&::name)>
#define ORTB_PARAMS_0(name)
#define ORTB_PARAMS_1(name) ORTB_SIGNATURE(name)::Arg<0> a0
#define ORTB_PARAMS_2(name) ORTB_PARAMS_1(name), ORTB_SIGNATURE(name)::Arg<1> a1
#define ORTB_PARAMS_3(name) ORTB_PARAMS_2(name), ORTB_SIGNATURE(name)::Arg<2> a2
#define ORTB_PARAMS_4(name) ORTB_PARAMS_3(name), ORTB_SIGNATURE(name)::Arg<3> a3
#define ORTB_PARAMS_5(name) ORTB_PARAMS_4(name), ORTB_SIGNATURE(name)::Arg<4> a4
#define ORTB_PARAMS_6(name) ORTB_PARAMS_5(name), ORTB_SIGNATURE(name)::Arg<5> a5
#define ORTB_PARAMS_7(name) ORTB_PARAMS_6(name), ORTB_SIGNATURE(name)::Arg<6> a6
#define ORTB_PARAMS_8(name) ORTB_PARAMS_7(name), ORTB_SIGNATURE(name)::Arg<7> a7
#define ORTB_ARGS_0
#define ORTB_ARGS_1 a0
#define ORTB_ARGS_2 ORTB_ARGS_1, a1
#define ORTB_ARGS_3 ORTB_ARGS_2, a2
#define ORTB_ARGS_4 ORTB_ARGS_3, a3
#define ORTB_ARGS_5 ORTB_ARGS_4, a4
#define ORTB_ARGS_6 ORTB_ARGS_5, a5
#define ORTB_ARGS_7 ORTB_ARGS_6, a6
#define ORTB_ARGS_8 ORTB_ARGS_7, a7

#define ORTB_FORWARDER(name, arity)                                                                               \
  extern "C" __attribute__((visibility("hidden"))) ORTB_SIGNATURE(name)::Return name(ORTB_PARAMS_##arity(name)) { \
    return ::ortbackend::triton_api::server_functions.name(ORTB_ARGS_##arity);                                    \
  }

ORTB_TRITON_SERVER_FUNCTIONS(ORTB_FORWARDER)
