#pragma once
// Gives memory the process has freed back to the operating system.
//
// ORT frees a session's weights, pre-packed copies and arena blocks with
// free(); glibc keeps most of that in its heaps (and in the per-thread arenas
// of the threads that loaded the session) for later malloc calls, so without
// this an unloaded model stays resident. Called where a large amount was
// just freed: after a model's last session is gone, and after the load's
// throwaway allocations. Cheap when there is nothing to give back; a no-op
// with allocators other than glibc's.

#include <cstdint>

namespace ortbackend {

// The process's resident set size in bytes (0 when /proc is unavailable).
uint64_t ResidentBytes();

// Returns freed heap memory to the OS (glibc malloc_trim); the resident
// bytes this gave back (0 when nothing was given back or not on glibc).
uint64_t ReturnFreedMemoryToSystem();

}  // namespace ortbackend
