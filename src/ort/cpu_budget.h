#pragma once
// How many cores this process may really use: the affinity mask, further
// limited by a cgroup CPU quota (containers). Used to pick thread counts that
// do not oversubscribe the machine.

namespace ortbackend {

int UsableCores();

// Intra-op threads per session when the user set none: the usable cores split
// evenly over `sessions` concurrently running sessions, at least 1.
int DefaultIntraOpThreads(int sessions);

}  // namespace ortbackend
