/* memory.h — whether a trial's model fits in the memory the machine (or its cgroup) has in all,
 * found before the model is built. Past it, heuristic overcommit lets the allocations succeed and
 * the kernel kills the process as it touches them: no result line, the trial left RUNNING, other
 * processes of the machine pushed out first. Refused here, the trial ends FAIL with the need and
 * the limit as its reason, as torch's "DefaultCPUAllocator: can't allocate memory" fails an
 * Optuna trial, and the sweep goes on. */
#ifndef WS_TRAINER_MEMORY_H
#define WS_TRAINER_MEMORY_H
#include <stddef.h>
#include "core/err.h"
#include "nn/nn.h"

/* 0 when the host memory a model of cfg takes to train on batches of `batch` fits under the
 * machine's total or its cgroup's limit (ws_memory_limit_read), or when that cannot be read; -1
 * with e (WS_ENOMEM) "out of memory: the model needs N MiB (weights W, gradients G, optimizer state O, the
 * checkpoint of the best weights K, a batch of B: A), the machine has M MiB" (or
 * "its cgroup allows M MiB") when it does not. The need is nn_model_plan's: weights, gradients,
 * optimizer state and the activations of one batch, plus batch_bytes (the trainer's own buffers
 * for a batch: its input, logits and labels, and the data path's, trainer_data_bytes), and with
 * keep_best the checkpoint a save takes beside them (nn_checkpoint_save_bytes; K left out of the
 * reason without it); on_device: the model trains on a GPU, and the host holds only its weights and
 * gradients while it is built (the device's memory is the device's to refuse: "oom"), then, with
 * keep_best, what a save from the device takes (nn_checkpoint_save_bytes): the larger of the two. Either
 * with its page tables (ws_page_table_bytes, which the CPU batch probe counts too): N is the parts'
 * sum and those. A cfg nn_model_create refuses is left to it: 0. */
int trainer_memory_check(const nn_model_config *cfg, int n_classes, int frames, int n_feat, int batch, int on_device,
                         size_t batch_bytes, int keep_best, ws_err *e);

#endif
