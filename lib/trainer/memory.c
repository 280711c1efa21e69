/* memory.c — a trial's model held against the machine's memory before it is built (memory.h). */
#include "trainer/memory.h"
#include <stdint.h>
#include <stdio.h>
#include "core/memlimit.h"

static uint64_t mib_up(uint64_t bytes) { return (bytes >> 20) + ((bytes & ((1u << 20) - 1)) != 0); }

/* a + b, or UINT64_MAX past it (a need that big is past any machine all the same) */
static uint64_t sum(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

int trainer_memory_check(const nn_model_config *cfg, int n_classes, int frames, int n_feat, int batch, int on_device,
                         size_t batch_bytes, ws_err *e)
{
    nn_model_need need;
    ws_memory_limit lim;
    ws_err ignore;
    if (nn_model_plan(cfg, n_classes, frames, n_feat, batch, &need, &ignore)) return 0;
    if (ws_memory_limit_read(&lim, &ignore)) return 0;
    uint64_t built = sum(need.params_bytes, need.grads_bytes);
    uint64_t total = on_device ? built : sum(sum(built, need.optim_bytes), sum(need.acts_bytes, batch_bytes));
    if (total <= lim.bytes) return 0;
    char has[64];
    snprintf(has, sizeof has, "%s %llu MiB", lim.file[0] ? "its cgroup allows" : "the machine has",
             (unsigned long long)(lim.bytes >> 20));
    if (on_device)
        return ws_err_set(e, WS_ENOMEM, "out of memory: the model needs %llu MiB (weights %llu, gradients %llu, built in "
                          "host memory before it goes to the device), %s", (unsigned long long)mib_up(total),
                          (unsigned long long)mib_up(need.params_bytes), (unsigned long long)mib_up(need.grads_bytes), has);
    return ws_err_set(e, WS_ENOMEM, "out of memory: the model needs %llu MiB (weights %llu, gradients %llu, optimizer "
                      "state %llu, a batch of %d: %llu), %s", (unsigned long long)mib_up(total),
                      (unsigned long long)mib_up(need.params_bytes), (unsigned long long)mib_up(need.grads_bytes),
                      (unsigned long long)mib_up(need.optim_bytes), batch,
                      (unsigned long long)mib_up(sum(need.acts_bytes, batch_bytes)), has);
}
