# quickstart: a tiny suite that runs anywhere, with no GPU and no Python.
#
# Two exec arms sleep for 10 ms and 15 ms and are timed as whole processes
# (hyperfine style), so the answer is known in advance: the "slower" arm
# takes 5 ms longer, which is +50% less the share of starting a process
# (about +40% on an idle machine, less on a busy one). It takes a few
# seconds. Run it with `benchy run quickstart`.

benchy {
  required_version = ">= 0.1"
}

variable "sleep" {
  type        = string
  default     = "sleep"
  description = "The sleep program to run (an argv[0], looked up in PATH)."
}

run {
  warmup               = 1 # warm-up blocks, run and kept but marked
  min_blocks           = 6 # a block runs every arm once, in a fresh random order
  max_blocks           = 10
  iterations           = 5    # timed runs per arm per block
  target_ci_half_width = 0.05 # stop once every CI half-width is within 5%
  confidence           = 0.95
  order                = "interleaved-random"
}

workload "sleep" {
  description = "sleep 10 ms vs 15 ms, timed as whole processes"
  better      = "lower"

  arm "baseline" {
    baseline = true
    timeout  = "30s"

    exec {
      command = [var.sleep, "0.01"]
      measure = "wall"
    }
  }

  arm "slower" {
    timeout = "30s"

    exec {
      command = [var.sleep, "0.015"]
      measure = "wall"
    }
  }
}
