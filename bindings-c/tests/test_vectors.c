/*
 * Runs every case of the shared test vectors (tests/vectors/cases.tsv)
 * through the C ABI, in the case's dtype (_f64 or _f32), and checks the
 * values with the case's tolerances. Scan kernels that have a resumable
 * state are also fed through it in three chunks, which must give the same
 * bits as the one-shot call.
 *
 * usage: test_vectors <tests/vectors dir>
 */
#include <ferroscore.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t rows, cols;
    double *v; /* column-major: v[c * rows + r] */
} Matrix;

static int read_matrix(const char *path, Matrix *m) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    if (fscanf(f, "%zu %zu", &m->rows, &m->cols) != 2) {
        fclose(f);
        return -1;
    }
    m->v = calloc(m->rows * m->cols + 1, sizeof(double));
    for (size_t r = 0; r < m->rows; r++) {
        for (size_t c = 0; c < m->cols; c++) {
            char tok[64];
            if (fscanf(f, "%63s", tok) != 1) {
                fclose(f);
                return -1;
            }
            m->v[c * m->rows + r] = strtod(tok, NULL); /* NaN, Inf, -Inf parse */
        }
    }
    fclose(f);
    return 0;
}

/* options: "k=v,k=v" or "-" */
static const char *opt(const char *opts, const char *key, char *buf, size_t len) {
    size_t kl = strlen(key);
    const char *p = opts;
    while (p && *p) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t n = strcspn(v, ",");
            if (n >= len) n = len - 1;
            memcpy(buf, v, n);
            buf[n] = 0;
            return buf;
        }
        p = strchr(p, ',');
        if (p) p++;
    }
    return NULL;
}
static double optf(const char *o, const char *k, double d) {
    char b[64];
    return opt(o, k, b, sizeof b) ? strtod(b, NULL) : d;
}
static long opti(const char *o, const char *k, long d) {
    char b[64];
    return opt(o, k, b, sizeof b) ? strtol(b, NULL, 10) : d;
}
static bool optb(const char *o, const char *k, bool d) {
    char b[64];
    return opt(o, k, b, sizeof b) ? strcmp(b, "true") == 0 : d;
}

static FerroscoreEwmOptions ewm_opts(const char *o) {
    FerroscoreEwmOptions e = ferroscore_ewm_options_default();
    e.alpha = optf(o, "alpha", NAN);
    e.span = optf(o, "span", NAN);
    e.com = optf(o, "com", NAN);
    e.halflife = optf(o, "halflife", NAN);
    e.adjust = optb(o, "adjust", true);
    e.ignore_na = optb(o, "ignore_na", false);
    e.min_periods = (size_t)opti(o, "min_periods", 0);
    e.bias = optb(o, "bias", false);
    return e;
}

static FerroscoreRollingOptions rolling_opts(const char *o) {
    FerroscoreRollingOptions r = ferroscore_rolling_options_default((size_t)opti(o, "window", 0));
    r.min_periods = opti(o, "min_periods", -1);
    r.center = optb(o, "center", false);
    r.ddof = (size_t)opti(o, "ddof", 1);
    r.skipna = optb(o, "skipna", true);
    return r;
}

static int interp(const char *o) {
    char b[64];
    int32_t v = -1;
    if (ferroscore_interpolation_from_name(opt(o, "interpolation", b, sizeof b) ? b : "linear", &v) !=
        FERROSCORE_STATUS_OK)
        return -1;
    return v;
}

static int n_state_checked = 0, n_2d = 0, n_scan = 0;

/* The 2-D forms, stamped out per dtype: a kernel on a strided matrix. */
#define DEFINE_2D(T, S)                                                                            \
    static FerroscoreStatus scan2d_##S(const char *k, const char *o, const T *x, size_t nr,      \
                                       size_t nc, size_t rs, size_t cs, int axis, T *out,         \
                                       size_t ors, size_t ocs) {                                  \
        FerroscoreEwmOptions e = ewm_opts(o);                                                      \
        FerroscoreRollingOptions r = rolling_opts(o);                                              \
        bool sk = optb(o, "skipna", true);                                                         \
        if (!strcmp(k, "score_series")) {                                                          \
            FerroscoreScoreOptions so = ferroscore_score_options_default();                        \
            so.up = optf(o, "up", so.up);                                                          \
            so.down = optf(o, "down", so.down);                                                    \
            so.init = optf(o, "init", so.init);                                                    \
            so.skipna = sk;                                                                        \
            return ferroscore_score_series_2d_##S(x, nr, nc, rs, cs, axis, &so, out, nr, nc, ors,  \
                                                  ocs);                                            \
        }                                                                                          \
        if (!strcmp(k, "ewm_mean"))                                                                \
            return ferroscore_ewm_mean_2d_##S(x, nr, nc, rs, cs, axis, &e, out, nr, nc, ors, ocs); \
        if (!strcmp(k, "ewm_var"))                                                                 \
            return ferroscore_ewm_var_2d_##S(x, nr, nc, rs, cs, axis, &e, out, nr, nc, ors, ocs);  \
        if (!strcmp(k, "ewm_std"))                                                                 \
            return ferroscore_ewm_std_2d_##S(x, nr, nc, rs, cs, axis, &e, out, nr, nc, ors, ocs);  \
        if (!strcmp(k, "rolling_sum"))                                                             \
            return ferroscore_rolling_sum_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors,    \
                                                 ocs);                                             \
        if (!strcmp(k, "rolling_mean"))                                                            \
            return ferroscore_rolling_mean_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors,   \
                                                  ocs);                                            \
        if (!strcmp(k, "rolling_var"))                                                             \
            return ferroscore_rolling_var_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors,    \
                                                 ocs);                                             \
        if (!strcmp(k, "rolling_std"))                                                             \
            return ferroscore_rolling_std_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors,    \
                                                 ocs);                                             \
        if (!strcmp(k, "rolling_min"))                                                             \
            return ferroscore_rolling_min_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors,    \
                                                 ocs);                                             \
        if (!strcmp(k, "rolling_max"))                                                             \
            return ferroscore_rolling_max_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors,    \
                                                 ocs);                                             \
        if (!strcmp(k, "rolling_median"))                                                          \
            return ferroscore_rolling_median_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors, \
                                                    ocs);                                          \
        if (!strcmp(k, "rolling_zscore"))                                                          \
            return ferroscore_rolling_zscore_2d_##S(x, nr, nc, rs, cs, axis, &r, out, nr, nc, ors, \
                                                    ocs);                                          \
        if (!strcmp(k, "rolling_quantile"))                                                        \
            return ferroscore_rolling_quantile_2d_##S(x, nr, nc, rs, cs, axis, optf(o, "q", NAN),  \
                                                      interp(o), &r, out, nr, nc, ors, ocs);       \
        if (!strcmp(k, "cumsum"))                                                                  \
            return ferroscore_cumsum_2d_##S(x, nr, nc, rs, cs, axis, sk, out, nr, nc, ors, ocs);   \
        if (!strcmp(k, "cummax"))                                                                  \
            return ferroscore_cummax_2d_##S(x, nr, nc, rs, cs, axis, sk, out, nr, nc, ors, ocs);   \
        if (!strcmp(k, "cummin"))                                                                  \
            return ferroscore_cummin_2d_##S(x, nr, nc, rs, cs, axis, sk, out, nr, nc, ors, ocs);   \
        if (!strcmp(k, "drawdown"))                                                                \
            return ferroscore_drawdown_2d_##S(x, nr, nc, rs, cs, axis, sk, out, nr, nc, ors, ocs); \
        return -1;                                                                                 \
    }                                                                                              \
                                                                                                   \
    static FerroscoreStatus reduce2d_##S(const char *k, const char *o, const T *x, size_t nr,    \
                                         size_t nc, size_t rs, size_t cs, int axis, double *out,  \
                                         size_t len) {                                             \
        size_t ddof = (size_t)opti(o, "ddof", 1);                                                  \
        uint64_t cnt[8];                                                                           \
        FerroscoreStatus st;                                                                       \
        if (!strcmp(k, "sum")) return ferroscore_sum_2d_##S(x, nr, nc, rs, cs, axis, out, len);    \
        if (!strcmp(k, "mean")) return ferroscore_mean_2d_##S(x, nr, nc, rs, cs, axis, out, len);  \
        if (!strcmp(k, "min")) return ferroscore_min_2d_##S(x, nr, nc, rs, cs, axis, out, len);    \
        if (!strcmp(k, "max")) return ferroscore_max_2d_##S(x, nr, nc, rs, cs, axis, out, len);    \
        if (!strcmp(k, "var"))                                                                     \
            return ferroscore_var_2d_##S(x, nr, nc, rs, cs, axis, ddof, out, len);                 \
        if (!strcmp(k, "std"))                                                                     \
            return ferroscore_std_2d_##S(x, nr, nc, rs, cs, axis, ddof, out, len);                 \
        if (!strcmp(k, "power_sum"))                                                               \
            return ferroscore_power_sum_2d_##S(x, nr, nc, rs, cs, axis, optf(o, "p", 1.5), out,   \
                                               len);                                               \
        if (!strcmp(k, "count")) {                                                                 \
            st = ferroscore_count_2d_##S(x, nr, nc, rs, cs, axis, cnt, len);                       \
            for (size_t j = 0; j < len; j++) out[j] = (double)cnt[j];                              \
            return st;                                                                             \
        }                                                                                          \
        return -1;                                                                                 \
    }                                                                                              \
                                                                                                   \
    /* the 2-D form on two copies of x, along both axes and with padded,                          \
     * transposed strides, must give the 1-D result in every series */                           \
    static int check2d_##S(const char *k, const char *o, const T *x, size_t n, const T *out1,    \
                           double red) {                                                           \
        int bad = 0;                                                                               \
        size_t ld = n + 3;                                                                         \
        T *a = calloc(2 * ld + 1, sizeof(T)), *b = calloc(2 * ld + 1, sizeof(T));                 \
        for (size_t i = 0; i < n; i++) a[i] = a[ld + i] = x[i];                                    \
        /* axis 0: two columns of a column-major n x 2 matrix with leading dimension n + 3,      \
         * out row-major */                                                                        \
        FerroscoreStatus st = scan2d_##S(k, o, a, n, 2, 1, ld, 0, b, 2, 1);                        \
        if (st == FERROSCORE_STATUS_OK) {                                                          \
            for (size_t i = 0; i < n; i++)                                                         \
                for (int j = 0; j < 2; j++)                                                        \
                    bad |= memcmp(&b[2 * i + j], &out1[i], sizeof(T)) != 0 &&                      \
                           !(isnan((double)b[2 * i + j]) && isnan((double)out1[i]));               \
            /* axis 1: two rows of a row-major 2 x n array (row stride n + 3), out column-major */ \
            st = scan2d_##S(k, o, a, 2, n, ld, 1, 1, b, 1, 2);                                     \
            for (size_t i = 0; i < n && st == FERROSCORE_STATUS_OK; i++)                           \
                for (int j = 0; j < 2; j++)                                                        \
                    bad |= memcmp(&b[2 * i + j], &out1[i], sizeof(T)) != 0 &&                      \
                           !(isnan((double)b[2 * i + j]) && isnan((double)out1[i]));               \
            bad |= (st != FERROSCORE_STATUS_OK) * 2;                                               \
        } else if (st != (FerroscoreStatus)-1) {                                                   \
            bad = 4;                                                                               \
        } else {                                                                                   \
            double r[2] = {0, 0};                                                                  \
            st = reduce2d_##S(k, o, a, n, 2, 1, ld, 0, r, 2);                                      \
            if (st != (FerroscoreStatus)-1) {                                                      \
                bad |= st != FERROSCORE_STATUS_OK ||                                               \
                       !((r[0] == red && r[1] == red) || (isnan(red) && isnan(r[0]) && isnan(r[1])));\
                st = reduce2d_##S(k, o, a, 2, n, ld, 1, 1, r, 2);                                  \
                bad |= (st != FERROSCORE_STATUS_OK ||                                              \
                        !((r[0] == red && r[1] == red) || (isnan(red) && isnan(r[0]) && isnan(r[1]))))\
                       * 8;                                                                        \
                n_2d++;                                                                            \
            }                                                                                      \
            free(a);                                                                               \
            free(b);                                                                               \
            return bad;                                                                            \
        }                                                                                          \
        n_2d++;                                                                                    \
        free(a);                                                                                   \
        free(b);                                                                                   \
        return bad;                                                                                \
    }

DEFINE_2D(double, f64)
DEFINE_2D(float, f32)

/* One dtype's dispatcher, stamped out for double/_f64 and float/_f32. Fills
 * got[0..*n_got]; returns the status. */
#define DEFINE_RUN(T, S)                                                                           \
    static int chunked_##S(const char *kernel, const char *o, const T *x, size_t n,               \
                           const T *whole) {                                                       \
        /* the same kernel through its resumable state, in three chunks */                        \
        FerroscoreStatus st = FERROSCORE_STATUS_OK;                                                \
        T *out = calloc(n + 1, sizeof(T));                                                         \
        size_t cut[4] = {0, n / 3, n / 3 + (n - n / 3) / 2, n};                                    \
        FerroscoreScoreState *ss = NULL;                                                           \
        FerroscoreEwmMeanState *em = NULL;                                                         \
        FerroscoreEwmVarState *ev = NULL;                                                          \
        FerroscoreRollingState *rs = NULL;                                                         \
        FerroscoreCumState *cs = NULL;                                                             \
        FerroscoreEwmOptions e = ewm_opts(o);                                                      \
        FerroscoreRollingOptions r = rolling_opts(o);                                              \
        int which = -1;                                                                            \
        if (!strcmp(kernel, "score_series")) {                                                     \
            FerroscoreScoreOptions so = ferroscore_score_options_default();                        \
            so.up = optf(o, "up", so.up);                                                          \
            so.down = optf(o, "down", so.down);                                                    \
            so.init = optf(o, "init", so.init);                                                    \
            so.skipna = optb(o, "skipna", true);                                                   \
            st = ferroscore_score_state_new(&so, &ss);                                             \
            which = 0;                                                                             \
        } else if (!strcmp(kernel, "ewm_mean") && !optb(o, "times", false)) {                      \
            st = ferroscore_ewm_mean_state_new(&e, &em);                                           \
            which = 1;                                                                             \
        } else if (!strcmp(kernel, "ewm_var") || !strcmp(kernel, "ewm_std")) {                     \
            st = ferroscore_ewm_var_state_new(&e, !strcmp(kernel, "ewm_std"), &ev);                \
            which = 2;                                                                             \
        } else if (!strncmp(kernel, "rolling_", 8) && !r.center) {                                 \
            static const char *names[] = {"sum", "mean", "var", "std", "zscore",                   \
                                          "min", "max", "median", "quantile"};                     \
            int kind = -1;                                                                         \
            for (int k = 0; k < 9; k++)                                                            \
                if (!strcmp(kernel + 8, names[k])) kind = k;                                       \
            st = ferroscore_rolling_state_new(kind, optf(o, "q", 0.5), interp(o), &r, &rs);        \
            which = 3;                                                                             \
        } else if (!strncmp(kernel, "cum", 3) || !strcmp(kernel, "drawdown")) {                    \
            int kind = !strcmp(kernel, "cumsum")   ? FERROSCORE_CUM_KIND_SUM                      \
                       : !strcmp(kernel, "cummax") ? FERROSCORE_CUM_KIND_MAX                      \
                       : !strcmp(kernel, "cummin") ? FERROSCORE_CUM_KIND_MIN                      \
                                                   : FERROSCORE_CUM_KIND_DRAWDOWN;                \
            st = ferroscore_cum_state_new(kind, optb(o, "skipna", true), &cs);                     \
            which = 4;                                                                             \
        }                                                                                          \
        int bad = 0;                                                                               \
        if (which >= 0) {                                                                          \
            if (st != FERROSCORE_STATUS_OK) {                                                      \
                bad = 1;                                                                           \
            } else {                                                                               \
                for (int c = 0; c < 3 && !bad; c++) {                                              \
                    const T *xc = x + cut[c];                                                      \
                    T *oc = out + cut[c];                                                          \
                    size_t m = cut[c + 1] - cut[c];                                                \
                    switch (which) {                                                               \
                    case 0: st = ferroscore_score_state_update_##S(ss, xc, m, oc, m); break;      \
                    case 1: st = ferroscore_ewm_mean_state_update_##S(em, xc, m, oc, m); break;   \
                    case 2: st = ferroscore_ewm_var_state_update_##S(ev, xc, m, oc, m); break;    \
                    case 3: st = ferroscore_rolling_state_update_##S(rs, xc, m, oc, m); break;    \
                    default: st = ferroscore_cum_state_update_##S(cs, xc, m, oc, m); break;       \
                    }                                                                              \
                    bad = st != FERROSCORE_STATUS_OK;                                              \
                }                                                                                  \
                if (!bad && n > 0 && memcmp(out, whole, n * sizeof(T)) != 0) bad = 2;              \
                n_state_checked++;                                                                 \
            }                                                                                      \
        }                                                                                          \
        ferroscore_score_state_free(ss);                                                           \
        ferroscore_ewm_mean_state_free(em);                                                        \
        ferroscore_ewm_var_state_free(ev);                                                         \
        ferroscore_rolling_state_free(rs);                                                         \
        ferroscore_cum_state_free(cs);                                                             \
        free(out);                                                                                 \
        return bad;                                                                                \
    }                                                                                              \
                                                                                                   \
    static FerroscoreStatus run_##S(const char *k, const char *o, const Matrix *in, double *got,  \
                                    size_t *n_got, int *chunk_bad, int i32) {                      \
        size_t n = in->rows;                                                                       \
        T *x = calloc(n + 1, sizeof(T)), *b = calloc(n + 1, sizeof(T));                            \
        T *out = calloc(n + 1024, sizeof(T));                                                      \
        int64_t *codes = calloc(n + 1, sizeof(int64_t));                                           \
        int32_t *codes32 = calloc(n + 1, sizeof(int32_t));                                         \
        double *times = calloc(n + 1, sizeof(double));                                             \
        for (size_t i = 0; i < n; i++) {                                                           \
            x[i] = (T)in->v[i];                                                                    \
            if (in->cols > 1) {                                                                    \
                b[i] = (T)in->v[n + i];                                                            \
                codes[i] = (int64_t)in->v[n + i];                                                  \
                codes32[i] = (int32_t)in->v[n + i];                                                \
                times[i] = in->v[n + i];                                                           \
            }                                                                                      \
        }                                                                                          \
        FerroscoreEwmOptions e = ewm_opts(o);                                                      \
        FerroscoreRollingOptions r = rolling_opts(o);                                              \
        size_t ddof = (size_t)opti(o, "ddof", 1), ng = (size_t)opti(o, "n_groups", 0);             \
        double p = optf(o, "p", 1.5), red = NAN;                                                   \
        uint64_t cnt = 0;                                                                          \
        FerroscoreStatus st = FERROSCORE_STATUS_INVALID_ARGUMENT;                                  \
        int scan = 1, reduced = 0;                                                                 \
        if (!strcmp(k, "score_series")) {                                                          \
            FerroscoreScoreOptions so = ferroscore_score_options_default();                        \
            so.up = optf(o, "up", so.up);                                                          \
            so.down = optf(o, "down", so.down);                                                    \
            so.init = optf(o, "init", so.init);                                                    \
            so.skipna = optb(o, "skipna", true);                                                   \
            st = ferroscore_score_series_##S(x, n, &so, out, n);                                   \
            /* the same rule in the scan language gives the same bits */                          \
            FerroscoreScanProgram *prog = NULL;                                                    \
            double pv[2] = {so.up, so.down};                                                       \
            if (st == FERROSCORE_STATUS_OK &&                                                      \
                ferroscore_scan_compile("if x > s then fma(s, up, x) else s * down", NULL,         \
                                        "up, down", pv, 2, so.skipna, &prog) ==                    \
                    FERROSCORE_STATUS_OK) {                                                        \
                T *viascan = calloc(n + 1, sizeof(T));                                             \
                *chunk_bad |= 64 * (ferroscore_scan_run_##S(prog, x, n, 1, 1, n, &so.init, 1,      \
                                                            viascan, n) != FERROSCORE_STATUS_OK || \
                                    (n > 0 && memcmp(viascan, out, n * sizeof(T)) != 0));          \
                n_scan++;                                                                          \
                free(viascan);                                                                     \
            } else {                                                                               \
                *chunk_bad |= 64;                                                                  \
            }                                                                                      \
            ferroscore_scan_free(prog);                                                            \
        } else if (!strcmp(k, "ewm_mean") && optb(o, "times", false))                              \
            st = ferroscore_ewm_mean_times_##S(x, n, times, n, &e, out, n);                        \
        else if (!strcmp(k, "ewm_mean")) st = ferroscore_ewm_mean_##S(x, n, &e, out, n);           \
        else if (!strcmp(k, "ewm_var")) st = ferroscore_ewm_var_##S(x, n, &e, out, n);             \
        else if (!strcmp(k, "ewm_std")) st = ferroscore_ewm_std_##S(x, n, &e, out, n);             \
        else if (!strcmp(k, "rolling_sum")) st = ferroscore_rolling_sum_##S(x, n, &r, out, n);     \
        else if (!strcmp(k, "rolling_mean")) st = ferroscore_rolling_mean_##S(x, n, &r, out, n);   \
        else if (!strcmp(k, "rolling_var")) st = ferroscore_rolling_var_##S(x, n, &r, out, n);     \
        else if (!strcmp(k, "rolling_std")) st = ferroscore_rolling_std_##S(x, n, &r, out, n);     \
        else if (!strcmp(k, "rolling_min")) st = ferroscore_rolling_min_##S(x, n, &r, out, n);     \
        else if (!strcmp(k, "rolling_max")) st = ferroscore_rolling_max_##S(x, n, &r, out, n);     \
        else if (!strcmp(k, "rolling_median"))                                                     \
            st = ferroscore_rolling_median_##S(x, n, &r, out, n);                                  \
        else if (!strcmp(k, "rolling_zscore"))                                                     \
            st = ferroscore_rolling_zscore_##S(x, n, &r, out, n);                                  \
        else if (!strcmp(k, "rolling_quantile"))                                                   \
            st = ferroscore_rolling_quantile_##S(x, n, optf(o, "q", NAN), interp(o), &r, out, n);  \
        else if (!strcmp(k, "cumsum"))                                                             \
            st = ferroscore_cumsum_##S(x, n, optb(o, "skipna", true), out, n);                     \
        else if (!strcmp(k, "cummax"))                                                             \
            st = ferroscore_cummax_##S(x, n, optb(o, "skipna", true), out, n);                     \
        else if (!strcmp(k, "cummin"))                                                             \
            st = ferroscore_cummin_##S(x, n, optb(o, "skipna", true), out, n);                     \
        else if (!strcmp(k, "drawdown"))                                                           \
            st = ferroscore_drawdown_##S(x, n, optb(o, "skipna", true), out, n);                   \
        else {                                                                                     \
            scan = 0;                                                                              \
            reduced = 1;                                                                           \
            if (!strcmp(k, "sum")) st = ferroscore_sum_##S(x, n, &red);                            \
            else if (!strcmp(k, "mean")) st = ferroscore_mean_##S(x, n, &red);                     \
            else if (!strcmp(k, "var")) st = ferroscore_var_##S(x, n, ddof, &red);                 \
            else if (!strcmp(k, "std")) st = ferroscore_std_##S(x, n, ddof, &red);                 \
            else if (!strcmp(k, "min")) st = ferroscore_min_##S(x, n, &red);                       \
            else if (!strcmp(k, "max")) st = ferroscore_max_##S(x, n, &red);                       \
            else if (!strcmp(k, "count")) {                                                        \
                st = ferroscore_count_##S(x, n, &cnt);                                             \
                red = (double)cnt;                                                                 \
            } else if (!strcmp(k, "power_sum")) st = ferroscore_power_sum_##S(x, n, p, &red);      \
            else if (!strcmp(k, "dot")) st = ferroscore_dot_##S(x, n, b, n, &red);                 \
            else {                                                                                 \
                reduced = 0;                                                                       \
                if (!strcmp(k, "group_sum"))                                                       \
                    st = i32 ? ferroscore_group_sum_##S##_i32(x, n, codes32, n, out, ng) : ferroscore_group_sum_##S(x, n, codes, n, out, ng);                        \
                else if (!strcmp(k, "group_mean"))                                                 \
                    st = i32 ? ferroscore_group_mean_##S##_i32(x, n, codes32, n, out, ng) : ferroscore_group_mean_##S(x, n, codes, n, out, ng);                       \
                else if (!strcmp(k, "group_var"))                                                  \
                    st = i32 ? ferroscore_group_var_##S##_i32(x, n, codes32, n, ddof, out, ng) : ferroscore_group_var_##S(x, n, codes, n, ddof, out, ng);                  \
                else if (!strcmp(k, "group_std"))                                                  \
                    st = i32 ? ferroscore_group_std_##S##_i32(x, n, codes32, n, ddof, out, ng) : ferroscore_group_std_##S(x, n, codes, n, ddof, out, ng);                  \
                else if (!strcmp(k, "group_min"))                                                  \
                    st = i32 ? ferroscore_group_min_##S##_i32(x, n, codes32, n, out, ng) : ferroscore_group_min_##S(x, n, codes, n, out, ng);                        \
                else if (!strcmp(k, "group_max"))                                                  \
                    st = i32 ? ferroscore_group_max_##S##_i32(x, n, codes32, n, out, ng) : ferroscore_group_max_##S(x, n, codes, n, out, ng);                        \
                else if (!strcmp(k, "group_count"))                                                \
                    st = i32 ? ferroscore_group_count_##S##_i32(x, n, codes32, n, out, ng) : ferroscore_group_count_##S(x, n, codes, n, out, ng);                      \
                else if (!strcmp(k, "group_power_sum"))                                            \
                    st = i32 ? ferroscore_group_power_sum_##S##_i32(x, n, codes32, n, p, out, ng) : ferroscore_group_power_sum_##S(x, n, codes, n, p, out, ng);               \
                else {                                                                             \
                    fprintf(stderr, "unknown kernel %s\n", k);                                     \
                    exit(2);                                                                       \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        if (reduced) {                                                                             \
            got[0] = red;                                                                          \
            *n_got = 1;                                                                            \
        } else {                                                                                   \
            *n_got = scan ? n : ng;                                                                \
            for (size_t i = 0; i < *n_got; i++) got[i] = (double)out[i];                           \
        }                                                                                          \
        if (scan && st == FERROSCORE_STATUS_OK) *chunk_bad = chunked_##S(k, o, x, n, out);         \
        if (st == FERROSCORE_STATUS_OK && (scan || reduced) && !optb(o, "times", false) &&        \
            strcmp(k, "dot") != 0 && strcmp(k, "moments") != 0 && !i32)                           \
            *chunk_bad |= check2d_##S(k, o, x, n, out, red) << 4;                                  \
        free(x);                                                                                   \
        free(b);                                                                                   \
        free(out);                                                                                 \
        free(codes);                                                                               \
        free(codes32);                                                                             \
        free(times);                                                                               \
        return st;                                                                                 \
    }

DEFINE_RUN(double, f64)
DEFINE_RUN(float, f32)

/* FERROSCORE_TEST_MEMCHECK_ONLY=1 (the valgrind run): value differences are
 * counted but not fatal, because valgrind's emulation of some AVX2 code of
 * the x86-64-v3 build gives different floating-point results; statuses,
 * lengths and memory errors still fail. Values are asserted natively and
 * under ASan/UBSan. */
static int n_fail = 0, n_value_diff = 0;
static const char *tag(void) {
    return getenv("FERROSCORE_TEST_MEMCHECK_ONLY") ? "DIFF (not counted under memcheck)" : "FAIL";
}
/* under memcheck, only the first few differences are printed */
static int show(void) { return !getenv("FERROSCORE_TEST_MEMCHECK_ONLY") || n_value_diff < 3; }
static void value_fail(void) {
    n_value_diff++;
    if (!getenv("FERROSCORE_TEST_MEMCHECK_ONLY")) n_fail++;
}

/* equal bits (NaN == NaN); `round`: compare b with a rounded to float */
static bool same_bits(const double *b, const double *a, size_t n, int round) {
    for (size_t i = 0; i < n; i++) {
        double want = round ? (double)(float)a[i] : a[i];
        if (!(b[i] == want || (isnan(b[i]) && isnan(want)))) return false;
    }
    return true;
}

static bool close_enough(double got, double exp, double rtol, double atol) {
    if (isnan(exp)) return isnan(got);
    if (isinf(exp)) return got == exp;
    return fabs(got - exp) <= atol + rtol * fabs(exp);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "tests/vectors";
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/cases.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 2;
    }
    int n_cases = 0, n_f32 = 0, n_variant = 0;
    if (!fgets(line, sizeof line, f)) return 2; /* header */
    while (fgets(line, sizeof line, f)) {
        char id[256], kernel[64], dtype[8], opts[1024];
        double rtol, atol;
        if (sscanf(line, "%255s\t%63s\t%7s\t%1023s\t%lf\t%lf", id, kernel, dtype, opts, &rtol,
                   &atol) != 6)
            continue;
        Matrix in = {0}, exp = {0};
        snprintf(path, sizeof path, "%s/%s.in", dir, id);
        if (read_matrix(path, &in)) return 2;
        snprintf(path, sizeof path, "%s/%s.out", dir, id);
        if (read_matrix(path, &exp)) return 2;
        double *got = calloc(in.rows + exp.rows + 1024, sizeof(double));
        size_t n_got = 0;
        int chunk_bad = 0;
        bool f32 = !strcmp(dtype, "f32");
        n_f32 += f32;
        FerroscoreStatus st = f32 ? run_f32(kernel, opts, &in, got, &n_got, &chunk_bad, 0)
                                  : run_f64(kernel, opts, &in, got, &n_got, &chunk_bad, 0);
        if (st == FERROSCORE_STATUS_OK && !strncmp(kernel, "group_", 6)) {
            /* int32 codes give the same bits as int64 codes */
            double *g32 = calloc(n_got + 1, sizeof(double));
            size_t n32 = 0;
            int cb = 0;
            FerroscoreStatus s32 = f32 ? run_f32(kernel, opts, &in, g32, &n32, &cb, 1)
                                       : run_f64(kernel, opts, &in, g32, &n32, &cb, 1);
            n_variant++;
            if (s32 != st || n32 != n_got || !same_bits(g32, got, n_got, 0)) {
                if (show()) printf("%s %s: the _i32 codes variant differs\n", tag(), id);
                value_fail();
            }
            free(g32);
        }
        if (!f32) {
            /* the _f32 variant on the same values rounded to float equals the
             * _f64 variant on them, rounded: the core accumulates in double */
            Matrix in32 = in;
            in32.v = malloc((in.rows * in.cols + 1) * sizeof(double));
            memcpy(in32.v, in.v, (in.rows * in.cols + 1) * sizeof(double));
            bool times = strstr(opts, "times=true") != NULL;
            for (size_t i = 0; i < in.rows * (times || !strncmp(kernel, "group_", 6) ? 1 : in.cols); i++)
                in32.v[i] = (double)(float)in32.v[i];
            double *a = calloc(in.rows + exp.rows + 1024, sizeof(double));
            double *b = calloc(in.rows + exp.rows + 1024, sizeof(double));
            size_t na = 0, nb = 0;
            int ca = 0, cb = 0;
            FerroscoreStatus sa = run_f64(kernel, opts, &in32, a, &na, &ca, 0);
            FerroscoreStatus sb = run_f32(kernel, opts, &in32, b, &nb, &cb, 0);
            static const char *reductions[] = {"sum", "mean", "var", "std", "min",
                                               "max", "count", "power_sum", "dot"};
            bool reduction = false;
            for (size_t r = 0; r < sizeof reductions / sizeof *reductions; r++)
                reduction |= strcmp(kernel, reductions[r]) == 0;
            n_variant++;
            if (sa != sb || na != nb || cb || !same_bits(b, a, na, !reduction)) {
                if (show()) printf("%s %s: the _f32 variant differs from the _f64 one on float input (%d %d)\n",
                       tag(), id, sa, sb);
                value_fail();
            }
            free(a);
            free(b);
            free(in32.v);
        }
        n_cases++;
        if (st != FERROSCORE_STATUS_OK) {
            char msg[512];
            ferroscore_last_error_message(msg, sizeof msg);
            printf("FAIL %s (%s %s): status %s: %s\n", id, kernel, opts, ferroscore_status_name(st),
                   msg);
            n_fail++;
        } else if (n_got != exp.rows) {
            printf("FAIL %s: %zu outputs, expected %zu\n", id, n_got, exp.rows);
            n_fail++;
        } else {
            for (size_t i = 0; i < n_got; i++) {
                if (!close_enough(got[i], exp.v[i], rtol, atol)) {
                    if (show()) printf("%s %s (%s %s): row %zu: got %.17g, expected %.17g\n", tag(), id, kernel,
                           opts, i, got[i], exp.v[i]);
                    value_fail();
                    break;
                }
            }
            if (chunk_bad) {
                if (show()) printf("%s %s: resumable state in 3 chunks or the 2-D form differs (%d)\n", tag(), id,
                       chunk_bad);
                value_fail();
            }
        }
        free(got);
        free(in.v);
        free(exp.v);
    }
    fclose(f);
    printf("test_vectors: %d cases (%d f32), %d chunked-state checks, %d 2-D checks, %d _f32/_i32 "
           "variant checks, %d scan-language checks, %d failures\n",
           n_cases, n_f32, n_state_checked, n_2d, n_variant, n_scan, n_fail);
    if (getenv("FERROSCORE_TEST_MEMCHECK_ONLY"))
        printf("test_vectors: memcheck only: %d value differences not counted\n", n_value_diff);
    return (n_fail == 0 && n_cases > 400) ? 0 : 1;
}
