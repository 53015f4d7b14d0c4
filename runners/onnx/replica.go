package onnx

import "github.com/benchy-dev/benchy/models"

// buildReplica builds model = "replica:<name>" with benchy's model builder:
// the architecture at the arm's resolution, batch and precision (tf32 arms
// run the float32 replica with CUDA's TF32 math). Replica weights are
// seeded with the builder's default seed, so one replica is the same model
// in every run and on every machine.
func buildReplica(name string, o ReplicaOptions) ([]byte, error) {
	p := o.Precision
	if p == PrecisionTF32 {
		p = models.FP32
	}
	return models.Bytes(name, models.Options{Input: o.Input, Batch: o.Batch, Precision: p})
}

func init() { BuildReplica = buildReplica }
