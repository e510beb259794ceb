/* Per-call cost of the C ABI on a 1-element input, and the seed workload on
 * 10 million values, written as JSON for benches/report.py.
 *
 *   make bench-c-overhead   (RAYON_NUM_THREADS=1: single thread, as criterion)
 */
#include <ferroscore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define CALLS 2000000

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "benches/results/c.json";
    double one = 1.0, out1 = 0.0, best[3] = {1e9, 1e9, 1e9};
    FerroscoreRollingOptions ro = ferroscore_rolling_options_default(1);
    for (int rep = 0; rep < 5; rep++) {
        double t = now();
        for (int i = 0; i < CALLS; i++) ferroscore_score_series_f64(&one, 1, NULL, &out1, 1);
        double a = (now() - t) / CALLS;
        t = now();
        for (int i = 0; i < CALLS; i++) ferroscore_power_sum_f64(&one, 1, 1.5, &out1);
        double b = (now() - t) / CALLS;
        t = now();
        for (int i = 0; i < CALLS; i++) ferroscore_rolling_mean_f64(&one, 1, &ro, &out1, 1);
        double c = (now() - t) / CALLS;
        if (a < best[0]) best[0] = a;
        if (b < best[1]) best[1] = b;
        if (c < best[2]) best[2] = c;
    }
    size_t n = 10000000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!x || !y) return 1;
    unsigned long long s = 42;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 4.0;
        y[i] = 0.0; /* touch the output once: no page faults in the timing */
    }
    double tscore = 1e9, tpow = 1e9, ps = 0.0;
    for (int rep = 0; rep < 7; rep++) {
        double t = now();
        ferroscore_score_series_f64(x, n, NULL, y, n);
        double a = now() - t;
        t = now();
        ferroscore_power_sum_f64(x, n, 1.5, &ps);
        double b = now() - t;
        if (a < tscore) tscore = a;
        if (b < tpow) tpow = b;
    }
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f,
            "{\"overhead_us\": {\"score_series\": %.5f, \"power_sum\": %.5f, \"rolling_mean\": %.5f},\n"
            " \"seed_1e7_ns_per_value\": {\"score_series\": %.4f, \"power_sum\": %.4f}}\n",
            best[0] * 1e6, best[1] * 1e6, best[2] * 1e6, tscore / (double)n * 1e9, tpow / (double)n * 1e9);
    fclose(f);
    printf("C ABI, 1 element: score_series %.1f ns, power_sum %.1f ns, rolling_mean %.1f ns\n",
           best[0] * 1e9, best[1] * 1e9, best[2] * 1e9);
    printf("C ABI, 1e7 values: score_series %.3f ns/value, power_sum %.3f ns/value (sum %.6g)\n",
           tscore / (double)n * 1e9, tpow / (double)n * 1e9, ps);
    free(x);
    free(y);
    return 0;
}
