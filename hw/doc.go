// Package hw knows the machine a benchmark runs on: an inventory of NVIDIA
// GPUs (through NVML), CPU, memory, OS and toolchain (Detect); per-block GPU
// telemetry with throttle reasons and the energy counter (Telemetry); a
// thermal settle wait (WaitSettled); and clock locking (LockClocks). The
// reproducibility checks behind `benchy doctor`, read from an inventory, are
// package hw/doctor.
//
// Nothing here fails for want of a GPU: every field that could not be read
// carries the reason instead, so a report can say why it is empty. NVML comes
// from github.com/NVIDIA/go-nvml, which needs cgo; in a build without cgo the
// package still compiles and falls back to `nvidia-smi`.
//
// Of benchy's packages hw imports only results (and, through it, metric),
// whose types are the schema of what it records: GPU samples, a run's
// telemetry, the settle wait and the host's load.
package hw
