# Every downloaded artifact, pinned by version and sha256.
PIN_PYTRITON="nvidia-pytriton==0.7.0"
PIN_PYTRITON_SHA=21f063ff93bb426d0c06b7a55e7eb9efcfe62c0dddd9a908e9877e18710128df
PIN_TRITONCLIENT="tritonclient==2.51.0"
PIN_TRITONCLIENT_SHA=c485bb0123bdf310f90bc8b03d3489b28df2ffed55b30c7eee0b795b48113d52

# ONNX Runtime headers: Debian forky's libonnxruntime-dev (ORT_API_VERSION 23,
# the first with onnxruntime_ep_c_api.h for plugin execution providers).
PIN_ORT_HEADERS_SUITE=forky
PIN_ORT_HEADERS_VERSION="1.23.2+dfsg-6.1"
PIN_ORT_HEADERS_DEB="libonnxruntime-dev_${PIN_ORT_HEADERS_VERSION}_amd64.deb"
PIN_ORT_HEADERS_SHA=4630a94adb36dc056feb124e51c6e952e2cab5188bc093a25bee8a7e1ac5196d

# OpenVINO's plugin EP library (EP ABI) for ONNX Runtime, self-contained
# (OpenVINO's runtime is inside): registered with ep-library by the tests.
PIN_OPENVINO_EP="onnxruntime-ep-openvino==1.8.1"
PIN_OPENVINO_EP_SHA=3832643158c8c187fcab6db661cde2a8c06a2b3559d95d0f2411ac0e51c5e924

# ONNX Runtime libraries: PyPI wheels, by package and version.
ort_wheel_sha() {
  case "$1==$2" in
    onnxruntime==1.24.1) echo 1cabe71ca14dcfbf812d312aab0a704507ac909c137ee6e89e4908755d0fc60e ;;
    onnxruntime-gpu==1.24.1) echo ac4bfc90c376516b13d709764ab257e4e3d78639bf6a2ccfc826e9db4a5c7ddf ;;
    onnxruntime-openvino==1.24.1) echo 3007c803634cc69c6d52af1dea7ce729d9bb62b9a11070fd2f959119199007a8 ;;
    onnxruntime-gpu==1.31.1) echo e26c475fe361b2015f45b4b824bd13f0bb20204e59b62814e6f0acd5f3d491a6 ;;  # CUDA 13
    *) echo "" ;;
  esac
}

# aarch64 (ARM64 SBSA hosts: Graviton, Grace, Ampere): the same versions.
# scripts/lib/common.sh's `pinned VAR` reads VAR_AARCH64 there. PyPI has no
# onnxruntime-gpu or onnxruntime-openvino wheel for aarch64 (docs/building.md).
PIN_PYTRITON_SHA_AARCH64=f99e07ee56fe065337453956afba17d2673e02ec6a632c3de26ce6e7b32a0898
PIN_TRITONCLIENT_SHA_AARCH64=ee6f5a508409f6c95069f4d77d34e97bef84fb4a1aedb5d82ad0ad311ad128d5
# The headers: the same forky version (PIN_ORT_HEADERS_SUITE/_VERSION), arm64.
PIN_ORT_HEADERS_DEB_AARCH64="libonnxruntime-dev_${PIN_ORT_HEADERS_VERSION}_arm64.deb"
PIN_ORT_HEADERS_SHA_AARCH64=bcdadd1c4d95abb0dca27bdcad3d35b93883ac6bf1d9ffe27e882d8c2c59376b
ort_wheel_sha_aarch64() {
  case "$1==$2" in
    onnxruntime==1.24.1) echo 86bc43e922b1f581b3de26a3dc402149c70e5542fceb5bec6b3a85542dbeb164 ;;
    *) echo "" ;;
  esac
}
# The aarch64 tritonserver run under qemu on x86_64 (the `aarch64` stage of
# scripts/test.sh) needs the guest's zlib; the wheel bundles its other libraries.
PIN_ZLIB_DEB_AARCH64="zlib1g_1%3a1.3.dfsg+really1.3.1-1+deb13u1_arm64.deb"
PIN_ZLIB_SHA_AARCH64=0e41b3d7ad8ad7fcd36dd4d61ca91a70018478fc4af652e044f4be770784ddff
# OpenSSL's libcrypto for the aarch64 cross build (the shipped AES-256-GCM
# decryptor, ort-encrypt-model, unit_tests): Debian bookworm's arm64 packages,
# unpacked into the deps folder by scripts/cross_build_aarch64.sh.
PIN_OPENSSL_SUITE_AARCH64=bookworm
PIN_OPENSSL_VERSION_AARCH64="3.0.20-1~deb12u2"
PIN_LIBSSL_DEV_DEB_AARCH64="libssl-dev_${PIN_OPENSSL_VERSION_AARCH64}_arm64.deb"
PIN_LIBSSL_DEV_SHA_AARCH64=c6941a83bebd83d2a1cd2db56418062d8f48b3200786aacafa194b75a93a3702
PIN_LIBSSL3_DEB_AARCH64="libssl3_${PIN_OPENSSL_VERSION_AARCH64}_arm64.deb"
PIN_LIBSSL3_SHA_AARCH64=a256e03cc3abd7243ac5c6ee91a9deb56478221ef0d3c2b0748551e13140c0bf
