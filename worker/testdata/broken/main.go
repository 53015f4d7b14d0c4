// Command broken serves Go SDK functions that misbehave, one way each, for
// the tests of what benchy does with a failing arm.
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/benchy-dev/benchy/worker"
)

func main() {
	calls := 0
	worker.Main(map[string]worker.Factory{
		"ok": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error { return nil }}, nil
		},
		"setup-error": func(*worker.Config) (*worker.Bench, error) {
			fmt.Fprintln(os.Stderr, "broken: opening model.bin")
			return nil, errors.New("model.bin: no such file")
		},
		"setup-panic": func(*worker.Config) (*worker.Bench, error) {
			var m map[string]int
			m["x"] = 1
			return nil, nil
		},
		"skip": func(*worker.Config) (*worker.Bench, error) {
			return nil, worker.Skip("skipped: no accelerator here")
		},
		"run-error": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error {
				if calls++; calls > 5 {
					fmt.Fprintln(os.Stderr, "broken: iteration", calls)
					return errors.New("the timed call failed")
				}
				return nil
			}}, nil
		},
		"run-panic": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error {
				if calls++; calls > 5 {
					panic("index out of range in the timed call")
				}
				return nil
			}}, nil
		},
		"prints": func(*worker.Config) (*worker.Bench, error) {
			// The SDK points stdout at stderr: this cannot break the protocol.
			return &worker.Bench{Func: func() error { fmt.Println("hello from the timed call"); return nil }}, nil
		},
		"exits": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error {
				if calls++; calls > 5 {
					fmt.Fprintln(os.Stderr, "broken: exiting in the middle of a block")
					os.Exit(3)
				}
				return nil
			}}, nil
		},
		"metrics-inf": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error { return nil }, Metrics: func(ns []int64) map[string]float64 {
				return map[string]float64{"infm": math.Inf(1)}
			}}, nil
		},
		"metrics-panic": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error { return nil }, Metrics: func(ns []int64) map[string]float64 {
				panic("no counters in this block")
			}}, nil
		},
		"close-error": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error { return nil }, Close: func() error {
				fmt.Fprintln(os.Stderr, "broken: releasing the device")
				return errors.New("could not release the device")
			}}, nil
		},
		"close-panic": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error { return nil }, Close: func() error {
				panic("double free in close")
			}}, nil
		},
		"hangs": func(*worker.Config) (*worker.Bench, error) {
			return &worker.Bench{Func: func() error {
				if calls++; calls > 5 {
					time.Sleep(time.Hour)
				}
				return nil
			}}, nil
		},
	})
}
