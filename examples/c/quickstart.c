/*
 * The seed workload from C: score_series and power_sum on 10 million values
 * (1% missing), timed against plain C loops; the same rule written in the
 * scan language (compiled once by the core); plus the cost of one call on a
 * 1-element array.
 *
 *   make demo-c   (or: cc -O2 quickstart.c $(pkg-config --cflags --libs ferroscore) -lm)
 *   usage: quickstart [n]       (RAYON_NUM_THREADS=1 for one thread)
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime in C99 */
#include <ferroscore.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The benches' series: xorshift64, 1% NaN, a sum of 4 uniforms (mean 0, sd 1). */
static void series(double *x, size_t n) {
    uint64_t s = (1ULL * 0x9E3779B97F4A7C15ULL) | 1;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        if (s % 1000 < 10) {
            x[i] = NAN;
            continue;
        }
        double u = 0;
        for (int k = 0; k < 4; k++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            u += (double)(s >> 11) / 9007199254740992.0;
        }
        x[i] = (u - 2.0) * 1.7320508;
    }
}

static int check(FerroscoreStatus st) {
    if (st != FERROSCORE_STATUS_OK) {
        char msg[256];
        ferroscore_last_error_message(msg, sizeof msg);
        fprintf(stderr, "ferroscore: %s: %s\n", ferroscore_status_name(st), msg);
        exit(1);
    }
    return 0;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    double *x = malloc(n * sizeof *x), *out = malloc(n * sizeof *out), *ref = malloc(n * sizeof *ref);
    double *sc = malloc(n * sizeof *sc), *ref2 = malloc(n * sizeof *ref2);
    if (!x || !out || !ref || !sc || !ref2) return 1;
    series(x, n);
    FerroscoreScoreOptions opts = ferroscore_score_options_default();
    double t_score = INFINITY, t_loop = INFINITY, t_pow = INFINITY, t_cpow = INFINITY, p = 0, pc = 0;

    /* The seed rule as text in the scan language, compiled once (best of 1000 compiles). */
    const char *rule = "if x > s then s * up + x else s * down";
    double up_down[2] = {0.9, 0.5}, init = 0, t_compile = INFINITY, t_scan = INFINITY;
    FerroscoreScanProgram *prog = NULL, *prog_fma = NULL;
    /* with fma(s, up, x) the text rounds as score_series does: the same bits */
    check(ferroscore_scan_compile("if x > s then fma(s, up, x) else s * down", "x", "up, down",
                                  up_down, 2, true, &prog_fma));
    double t_fma = INFINITY;
    for (int r = 0; r < 1000; r++) {
        FerroscoreScanProgram *q = NULL;
        double t = now();
        check(ferroscore_scan_compile(rule, "x", "up, down", up_down, 2, true, &q));
        t_compile = fmin(t_compile, now() - t);
        if (prog == NULL) prog = q;
        else ferroscore_scan_free(q);
    }
    for (int r = 0; r < 5; r++) {
        double t = now();
        check(ferroscore_score_series_f64(x, n, &opts, out, n));
        t_score = fmin(t_score, now() - t);

        t = now();
        double s = 0;
        for (size_t i = 0; i < n; i++) {
            double v = x[i];
            if (!isnan(v)) s = v > s ? s * 0.9 + v : s * 0.5;
            ref[i] = s;
        }
        t_loop = fmin(t_loop, now() - t);

        t = now();
        check(ferroscore_scan_run_f64(prog, x, n, 1, 1, n, &init, 1, sc, n));
        t_scan = fmin(t_scan, now() - t);

        t = now();
        check(ferroscore_scan_run_f64(prog_fma, x, n, 1, 1, n, &init, 1, ref2, n));
        t_fma = fmin(t_fma, now() - t);

        t = now();
        check(ferroscore_power_sum_f64(x, n, 1.5, &p));
        t_pow = fmin(t_pow, now() - t);

        t = now();
        pc = 0;
        for (size_t i = 0; i < n; i++)
            if (x[i] > 0) pc += pow(x[i], 1.5);
        t_cpow = fmin(t_cpow, now() - t);
    }
    /* one call on a 1-element array: the fixed cost of crossing the ABI */
    enum { CALLS = 1000000 };
    double one = 0.5, one_out, t1 = INFINITY, t2 = INFINITY;
    for (int r = 0; r < 3; r++) {
        double t = now();
        for (int i = 0; i < CALLS; i++) check(ferroscore_score_series_f64(&one, 1, &opts, &one_out, 1));
        t1 = fmin(t1, now() - t);
        t = now();
        for (int i = 0; i < CALLS; i++) check(ferroscore_power_sum_f64(&one, 1, 1.5, &one_out));
        t2 = fmin(t2, now() - t);
    }
    double max_diff = 0, scan_diff = 0;
    size_t scan_same = 0, fma_same = 0;
    for (size_t i = 0; i < n; i++) {
        max_diff = fmax(max_diff, fabs(out[i] - ref[i]));
        scan_diff = fmax(scan_diff, fabs(sc[i] - out[i]));
        scan_same += sc[i] == ref[i]; /* the text rounds like the C loop: same bits */
        fma_same += ref2[i] == out[i];
    }
    ferroscore_scan_free(prog);
    ferroscore_scan_free(prog_fma);

    printf("ferroscore %s C quickstart: %zu values, 1%% missing\n\n", ferroscore_version(), n);
    printf("%-34s %10s %12s\n", "kernel", "ms", "ns/value");
    printf("%-34s %10.2f %12.3f\n", "score_series (ferroscore)", t_score * 1e3, t_score * 1e9 / (double)n);
    printf("%-34s %10.2f %12.3f\n", "score_series (plain C loop)", t_loop * 1e3, t_loop * 1e9 / (double)n);
    printf("%-34s %10.2f %12.3f\n", "scan(seed rule as text)", t_scan * 1e3, t_scan * 1e9 / (double)n);
    printf("%-34s %10.2f %12.3f\n", "scan(seed rule with fma)", t_fma * 1e3, t_fma * 1e9 / (double)n);
    printf("%-34s %10.2f %12.3f\n", "power_sum p=1.5 (ferroscore)", t_pow * 1e3, t_pow * 1e9 / (double)n);
    printf("%-34s %10.2f %12.3f\n", "power_sum p=1.5 (C pow loop)", t_cpow * 1e3, t_cpow * 1e9 / (double)n);
    printf("\none call on 1 element: score_series %.1f ns, power_sum %.1f ns\n", t1 * 1e9 / CALLS,
           t2 * 1e9 / CALLS);
    printf("score_series last value %.6f, max |diff| vs plain loop %.1e\n", out[n - 1], max_diff);
    printf("scan: compiled in %.1f us (best of 1000); %zu of %zu values equal the C loop's bits, "
           "max |diff| vs score_series (fused) %.1e\n",
           t_compile * 1e6, scan_same, n, scan_diff);
    printf("scan with fma: %zu of %zu values equal score_series' bits\n", fma_same, n);
    printf("power_sum %.6f (plain %.6f, relative diff %.1e)\n", p, pc, fabs(p - pc) / fabs(pc));
    int ok = max_diff < 1e-9 && fabs(p - pc) <= 1e-12 * fabs(pc) && scan_same == n && fma_same == n;
    free(sc);
    free(ref2);
    free(x);
    free(out);
    free(ref);
    return ok ? 0 : 1;
}
