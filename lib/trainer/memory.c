/* memory.c — a trial's model held against the machine's memory before it is built (memory.h). */
#include "trainer/memory.h"
#include <stdint.h>
#include <stdio.h>
#include "core/memlimit.h"

static uint64_t mib_up(uint64_t bytes) { return (bytes >> 20) + ((bytes & ((1u << 20) - 1)) != 0); }

/* a + b, or UINT64_MAX past it (a need that big is past any machine all the same) */
static uint64_t sum(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

int trainer_memory_check(const nn_model_config *cfg, int n_classes, int frames, int n_feat, int batch, int on_device,
                         size_t batch_bytes, int keep_best, ws_err *e)
{
    nn_model_need need;
    ws_memory_limit lim;
    ws_err ignore;
    if (nn_model_plan(cfg, n_classes, frames, n_feat, batch, &need, &ignore)) return 0;
    if (ws_memory_limit_read(&lim, &ignore)) return 0;
    uint64_t built = sum(need.params_bytes, need.grads_bytes);
    /* the best weights' checkpoint, saved beside the model on the CPU: a model that fitted
     * without it was killed by the kernel as it saved its first one. From a GPU it is saved after
     * the host's copy of the model is gone, through host memory all the same (the part it
     * downloads at a time, the file's pages): the host needs the larger of the two then. */
    uint64_t ckpt = keep_best ? nn_checkpoint_save_bytes(need.params_bytes / sizeof(float)) : 0;
    uint64_t total = on_device ? (built > ckpt ? built : ckpt)
                               : sum(sum(sum(built, need.optim_bytes), ckpt), sum(need.acts_bytes, batch_bytes));
    /* and the page tables of all that, which the kernel charges to the cgroup as it does the pages:
     * the one count the CPU batch probe makes too (nn_device_probe_batch), so that a batch it
     * offers is one this check takes */
    total = sum(total, ws_page_table_bytes(total));
    if (total <= lim.bytes) return 0;
    char has[64];
    snprintf(has, sizeof has, "%s %llu MiB", lim.file[0] ? "its cgroup allows" : "the machine has",
             (unsigned long long)(lim.bytes >> 20));
    if (on_device && ckpt > built)
        return ws_err_set(e, WS_ENOMEM, "out of memory: the model needs %llu MiB (the checkpoint of the best weights, saved "
                          "from the device through host memory), %s", (unsigned long long)mib_up(total), has);
    if (on_device)
        return ws_err_set(e, WS_ENOMEM, "out of memory: the model needs %llu MiB (weights %llu, gradients %llu, built in "
                          "host memory before it goes to the device), %s", (unsigned long long)mib_up(total),
                          (unsigned long long)mib_up(need.params_bytes), (unsigned long long)mib_up(need.grads_bytes), has);
    char kept[64] = "";
    if (ckpt) snprintf(kept, sizeof kept, ", the checkpoint of the best weights %llu", (unsigned long long)mib_up(ckpt));
    return ws_err_set(e, WS_ENOMEM, "out of memory: the model needs %llu MiB (weights %llu, gradients %llu, optimizer "
                      "state %llu%s, a batch of %d: %llu), %s", (unsigned long long)mib_up(total),
                      (unsigned long long)mib_up(need.params_bytes), (unsigned long long)mib_up(need.grads_bytes),
                      (unsigned long long)mib_up(need.optim_bytes), kept, batch,
                      (unsigned long long)mib_up(sum(need.acts_bytes, batch_bytes)), has);
}
