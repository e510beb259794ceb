/*
 * The C ABI's contract beyond the values of the shared vectors: every
 * status code, NULL / empty / misaligned / overlapping buffers, the last
 * error message, the landing pad, handle lifetimes, validation reports, and
 * a few naive C references.
 */
#include <ferroscore.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_checks = 0, n_fail = 0;

static int contains(const char *hay, const char *needle) {
    return needle == NULL || strstr(hay, needle) != NULL;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        n_checks++;                                                                                \
        if (!(cond)) {                                                                             \
            n_fail++;                                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                          \
    } while (0)

/* status equals `want`, and on failure the message mentions `needle` */
#define EXPECT(call, want, needle)                                                                 \
    do {                                                                                           \
        FerroscoreStatus st_ = (call);                                                             \
        n_checks++;                                                                                \
        if (st_ != (want)) {                                                                       \
            char m_[512];                                                                          \
            ferroscore_last_error_message(m_, sizeof m_);                                          \
            n_fail++;                                                                              \
            printf("FAIL %s:%d: %s gave %s (%s), wanted %s\n", __FILE__, __LINE__, #call,         \
                   ferroscore_status_name(st_), m_, ferroscore_status_name(want));                 \
        } else if ((want) != FERROSCORE_STATUS_OK) {                           \
            char m_[512];                                                                          \
            ferroscore_last_error_message(m_, sizeof m_);                                          \
            n_checks++;                                                                            \
            if (!contains(m_, (needle))) {                                                           \
                n_fail++;                                                                          \
                printf("FAIL %s:%d: message \"%s\" lacks an expected part\n", __FILE__, __LINE__,    \
                       m_);                                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)

#define OK FERROSCORE_STATUS_OK

static void test_meta(void) {
    CHECK(strcmp(ferroscore_version(), FERROSCORE_HEADER_VERSION) == 0);
    CHECK(strcmp(ferroscore_status_name(FERROSCORE_STATUS_OK), "FERROSCORE_STATUS_OK") == 0);
    CHECK(strcmp(ferroscore_status_name(FERROSCORE_STATUS_PARSE_ERROR),
                 "FERROSCORE_STATUS_PARSE_ERROR") == 0);
    CHECK(strcmp(ferroscore_status_name(FERROSCORE_STATUS_UNSUPPORTED_RULE),
                 "FERROSCORE_STATUS_UNSUPPORTED_RULE") == 0);
    CHECK(strcmp(ferroscore_status_name(12345), "FERROSCORE_STATUS_UNKNOWN") == 0);
    CHECK(strcmp(ferroscore_status_name(-1), "FERROSCORE_STATUS_UNKNOWN") == 0);
    /* numbers are part of the ABI */
    CHECK(FERROSCORE_STATUS_INVALID_ARGUMENT == 2 && FERROSCORE_STATUS_LENGTH_MISMATCH == 3 &&
          FERROSCORE_STATUS_GROUP_OUT_OF_RANGE == 4 && FERROSCORE_STATUS_UNKNOWN_COLUMN == 5 &&
          FERROSCORE_STATUS_UNSUPPORTED_RULE == 6 && FERROSCORE_STATUS_NULL_POINTER == 7 &&
          FERROSCORE_STATUS_OVERLAP == 8 && FERROSCORE_STATUS_PARSE_ERROR == 9 &&
          FERROSCORE_STATUS_BUFFER_TOO_SMALL == 10 && FERROSCORE_STATUS_INTERNAL_ERROR == 99);
}

static void test_last_error(void) {
    double x[3] = {1, 2, 3}, out[3];
    FerroscoreRollingOptions r = ferroscore_rolling_options_default(0);
    EXPECT(ferroscore_rolling_mean_f64(x, 3, &r, out, 3), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "invalid argument `window`: must be >= 1, got 0");
    const char *want = "invalid argument `window`: must be >= 1, got 0";
    size_t len = ferroscore_last_error_message(NULL, 0);
    CHECK(len == strlen(want));
    char small[8];
    CHECK(ferroscore_last_error_message(small, sizeof small) == strlen(want));
    CHECK(strcmp(small, "invalid") == 0); /* truncated, NUL-terminated */
    char one[1] = {'x'};
    ferroscore_last_error_message(one, 1);
    CHECK(one[0] == 0);
    /* success does not clear it */
    EXPECT(ferroscore_sum_f64(x, 3, out), OK, NULL);
    CHECK(ferroscore_last_error_message(NULL, 0) == strlen(want));
}

static void test_landing_pad(void) {
    EXPECT(ferroscore_test_internal_panic(), FERROSCORE_STATUS_INTERNAL_ERROR,
           "ferroscore_test_internal_panic was called");
    /* the library keeps working after a caught panic */
    double x[2] = {1, 2}, s;
    EXPECT(ferroscore_sum_f64(x, 2, &s), OK, NULL);
    CHECK(s == 3);
}

static void test_pointers(void) {
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8], s = -1;
    float xf[4] = {1, 2, 3, 4}, outf[4];
    uint64_t c = 99;
    FerroscoreRollingOptions r = ferroscore_rolling_options_default(2);
    FerroscoreEwmOptions e = ferroscore_ewm_options_default();
    e.alpha = 0.5;
    /* NULL with n > 0 */
    EXPECT(ferroscore_score_series_f64(NULL, 3, NULL, out, 3), FERROSCORE_STATUS_NULL_POINTER,
           "`x`");
    EXPECT(ferroscore_score_series_f64(x, 3, NULL, NULL, 3), FERROSCORE_STATUS_NULL_POINTER,
           "`out`");
    EXPECT(ferroscore_rolling_sum_f64(x, 3, NULL, out, 3), FERROSCORE_STATUS_NULL_POINTER,
           "`opts`");
    EXPECT(ferroscore_ewm_mean_f32(xf, 4, NULL, outf, 4), FERROSCORE_STATUS_NULL_POINTER, "opts");
    EXPECT(ferroscore_sum_f64(NULL, 3, &s), FERROSCORE_STATUS_NULL_POINTER, "`x`");
    EXPECT(ferroscore_sum_f64(x, 3, NULL), FERROSCORE_STATUS_NULL_POINTER, "`out`");
    EXPECT(ferroscore_dot_f64(x, 3, NULL, 3, &s), FERROSCORE_STATUS_NULL_POINTER, "`b`");
    int64_t g[3] = {0, 1, 0};
    EXPECT(ferroscore_group_sum_f64(x, 3, NULL, 3, out, 2), FERROSCORE_STATUS_NULL_POINTER,
           "groups");
    EXPECT(ferroscore_group_sum_f64(x, 3, g, 3, NULL, 2), FERROSCORE_STATUS_NULL_POINTER, "out");
    EXPECT(ferroscore_ewm_mean_times_f64(x, 3, NULL, 3, &e, out, 3),
           FERROSCORE_STATUS_NULL_POINTER, "times");
    /* n = 0: NULL is fine, empty output, reductions give their identity */
    EXPECT(ferroscore_score_series_f64(NULL, 0, NULL, NULL, 0), OK, NULL);
    EXPECT(ferroscore_rolling_median_f32(NULL, 0, &r, NULL, 0), OK, NULL);
    EXPECT(ferroscore_sum_f64(NULL, 0, &s), OK, NULL);
    CHECK(s == 0);
    EXPECT(ferroscore_mean_f64(NULL, 0, &s), OK, NULL);
    CHECK(isnan(s));
    EXPECT(ferroscore_count_f32(NULL, 0, &c), OK, NULL);
    CHECK(c == 0);
    EXPECT(ferroscore_group_count_f64(NULL, 0, NULL, 0, out, 2), OK, NULL);
    CHECK(out[0] == 0 && out[1] == 0);
    /* lengths the core checks */
    EXPECT(ferroscore_score_series_f64(x, 3, NULL, out, 2), FERROSCORE_STATUS_LENGTH_MISMATCH,
           "length mismatch for `out`: expected 3, got 2");
    float big[8];
    EXPECT(ferroscore_cumsum_f32(xf, 4, true, big, 5), FERROSCORE_STATUS_LENGTH_MISMATCH, "out");
    EXPECT(ferroscore_dot_f64(x, 3, x + 3, 2, &s), FERROSCORE_STATUS_LENGTH_MISMATCH, "`b`");
    EXPECT(ferroscore_group_mean_f64(x, 3, g, 2, out, 2), FERROSCORE_STATUS_LENGTH_MISMATCH,
           "`groups`");
    EXPECT(ferroscore_ewm_mean_times_f64(x, 3, x + 4, 2, &e, out, 3),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "`times`");
    /* overlapping output: in place, partial, and with a second input */
    EXPECT(ferroscore_score_series_f64(x, 4, NULL, x, 4), FERROSCORE_STATUS_OVERLAP,
           "output `out` overlaps input `x`");
    EXPECT(ferroscore_rolling_sum_f64(x, 4, &r, x + 3, 4), FERROSCORE_STATUS_OVERLAP, NULL);
    EXPECT(ferroscore_cummax_f32(xf + 1, 3, true, xf, 3), FERROSCORE_STATUS_OVERLAP, NULL);
    double t[4] = {0, 1, 2, 3};
    e.alpha = NAN;
    e.halflife = 1;
    EXPECT(ferroscore_ewm_mean_times_f64(x, 4, t, 4, &e, t, 4), FERROSCORE_STATUS_OVERLAP,
           "`times`");
    /* adjacent buffers do not overlap */
    EXPECT(ferroscore_cumsum_f64(x, 4, true, x + 4, 4), OK, NULL);
    CHECK(x[4] == 1 && x[7] == 10);
    for (int i = 0; i < 8; i++) x[i] = i + 1;
    /* group outputs are computed first: aliasing the input is fine */
    double gx[3] = {1, 2, 3};
    EXPECT(ferroscore_group_sum_f64(gx, 3, g, 3, gx, 2), OK, NULL);
    CHECK(gx[0] == 4 && gx[1] == 2);
    /* misaligned pointers are an invalid argument, not undefined behaviour */
    char *raw = malloc(8 * sizeof(double) + 1);
    double *mis = (double *)(void *)(raw + 1);
    EXPECT(ferroscore_cumsum_f64(x, 2, true, mis, 2), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "not aligned");
    EXPECT(ferroscore_sum_f64(mis, 2, &s), FERROSCORE_STATUS_INVALID_ARGUMENT, "aligned");
    free(raw);
    /* absurd lengths */
    EXPECT(ferroscore_sum_f64(x, SIZE_MAX / 2, &s), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "too large");
}

static void test_invalid_arguments(void) {
    double x[6] = {1, 2, 3, 4, 5, 6}, out[6], s;
    int64_t g[6] = {0, 1, 2, 0, 1, 5};
    int32_t g32[6] = {0, 1, 2, 0, 1, -1};
    FerroscoreRollingOptions r = ferroscore_rolling_options_default(3);
    FerroscoreEwmOptions e = ferroscore_ewm_options_default();
    FerroscoreScoreOptions so = ferroscore_score_options_default();
    CHECK(so.up == 0.9 && so.down == 0.5 && so.init == 0 && so.skipna);
    CHECK(r.window == 3 && r.min_periods == -1 && r.ddof == 1 && !r.center && r.skipna);
    CHECK(isnan(e.alpha) && e.adjust && !e.ignore_na && !e.bias && e.min_periods == 0);
    EXPECT(ferroscore_ewm_mean_f64(x, 6, &e, out, 6), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "exactly one of alpha, span, com or halflife");
    e.alpha = 0.5;
    e.span = 3;
    EXPECT(ferroscore_ewm_var_f64(x, 6, &e, out, 6), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "mutually exclusive");
    e.span = NAN;
    e.alpha = 1.5;
    EXPECT(ferroscore_ewm_std_f64(x, 6, &e, out, 6), FERROSCORE_STATUS_INVALID_ARGUMENT, "alpha");
    e.alpha = 0.5;
    EXPECT(ferroscore_ewm_mean_times_f64(x, 6, x, 6, &e, out, 6),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "halflife");
    e.alpha = NAN;
    e.halflife = 2;
    double back[6] = {0, 1, 2, 1, 4, 5};
    EXPECT(ferroscore_ewm_mean_times_f64(x, 6, back, 6, &e, out, 6),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "non-decreasing");
    r.min_periods = 4;
    EXPECT(ferroscore_rolling_var_f64(x, 6, &r, out, 6), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "min_periods");
    r.min_periods = -1;
    EXPECT(ferroscore_rolling_quantile_f64(x, 6, 1.5, 0, &r, out, 6),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "`q`");
    EXPECT(ferroscore_rolling_quantile_f64(x, 6, 0.5, 9, &r, out, 6),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "interpolation");
    int32_t iv = -1;
    EXPECT(ferroscore_interpolation_from_name("cubic", &iv), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "interpolation");
    EXPECT(ferroscore_interpolation_from_name("midpoint", &iv), OK, NULL);
    CHECK(iv == FERROSCORE_INTERPOLATION_MIDPOINT);
    EXPECT(ferroscore_interpolation_from_name(NULL, &iv), FERROSCORE_STATUS_NULL_POINTER, NULL);
    EXPECT(ferroscore_closed_from_name("neither", &iv), OK, NULL);
    CHECK(iv == FERROSCORE_CLOSED_NEITHER);
    EXPECT(ferroscore_closed_from_name("open", &iv), FERROSCORE_STATUS_INVALID_ARGUMENT, "closed");
    so.up = NAN;
    EXPECT(ferroscore_score_series_f64(x, 6, &so, out, 6), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "`up`");
    EXPECT(ferroscore_power_sum_f64(x, 6, INFINITY, &s), FERROSCORE_STATUS_INVALID_ARGUMENT, "`p`");
    EXPECT(ferroscore_group_power_sum_f64(x, 6, g, 6, NAN, out, 6),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "`p`");
    /* group codes */
    EXPECT(ferroscore_group_sum_f64(x, 6, g, 6, out, 3), FERROSCORE_STATUS_GROUP_OUT_OF_RANGE,
           "code 5 at row 5");
    EXPECT(ferroscore_group_max_f64_i32(x, 6, g32, 6, out, 3), OK, NULL);
    CHECK(out[0] == 4 && out[1] == 5 && out[2] == 3);
    float xf[6] = {1, 2, 3, 4, 5, 6}, of[3];
    EXPECT(ferroscore_group_var_f32_i32(xf, 6, g32, 6, 1, of, 3), OK, NULL);
    CHECK(of[0] == 4.5f && of[1] == 4.5f && isnan(of[2]));
}

/* Whether `out` is the seed loop over `x`, bit for bit (s*up + v is one
   fused multiply-add; a missing value leaves the state). */
static int is_seed_loop(const double *x, const double *out, int n) {
    double st = 0;
    int same = 1;
    for (int i = 0; i < n; i++) {
        if (!isnan(x[i])) st = x[i] > st ? fma(st, 0.9, x[i]) : st * 0.5;
        same &= out[i] == st;
    }
    return same;
}

static void test_naive_references(void) {
    enum { N = 1000 };
    double *x = malloc(N * sizeof(double)), *out = malloc(N * sizeof(double));
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = ((s >> 8) % 2000) / 1000.0 - 0.5;
        if (i % 37 == 0) x[i] = NAN;
    }
    /* score_series: the seed loop */
    EXPECT(ferroscore_score_series_f64(x, N, NULL, out, N), OK, NULL);
    CHECK(is_seed_loop(x, out, N));
    {
        /* A series long enough for score_series' eight speculative lanes
           (several rounds of eight segments): still the same bits. */
        enum { M = 100000 };
        double *y = malloc(M * sizeof(double)), *o = malloc(M * sizeof(double));
        for (int i = 0; i < M; i++) {
            s = s * 1103515245u + 12345u;
            y[i] = i % 53 == 0 ? NAN : ((s >> 8) % 2000) / 1000.0 - 0.5;
        }
        EXPECT(ferroscore_score_series_f64(y, M, NULL, o, M), OK, NULL);
        CHECK(is_seed_loop(y, o, M));
        free(y);
        free(o);
    }
    /* power_sum */
    double ps = 0, got;
    for (int i = 0; i < N; i++)
        if (x[i] > 0) ps += pow(x[i], 1.5);
    EXPECT(ferroscore_power_sum_f64(x, N, 1.5, &got), OK, NULL);
    CHECK(fabs(got - ps) <= 1e-12 * fabs(ps));
    EXPECT(ferroscore_power_sum_f64(x, N, 2.5, &got), OK, NULL);
    ps = 0;
    for (int i = 0; i < N; i++)
        if (x[i] > 0) ps += pow(x[i], 2.5);
    CHECK(fabs(got - ps) <= 1e-12 * fabs(ps));
    /* rolling_sum, window 5, min_periods 1 */
    FerroscoreRollingOptions r = ferroscore_rolling_options_default(5);
    r.min_periods = 1;
    EXPECT(ferroscore_rolling_sum_f64(x, N, &r, out, N), OK, NULL);
    int same = 1;
    for (int i = 0; i < N; i++) {
        double w = 0;
        int k = 0;
        for (int j = i - 4 < 0 ? 0 : i - 4; j <= i; j++)
            if (!isnan(x[j])) w += x[j], k++;
        same &= k == 0 ? isnan(out[i]) : fabs(out[i] - w) <= 1e-12;
    }
    if (!getenv("FERROSCORE_TEST_MEMCHECK_ONLY")) CHECK(same); /* see c.mk: valgrind */
    /* moments of chunks merge into the moments of the whole */
    FerroscoreMoments a, b, m, whole;
    EXPECT(ferroscore_moments_f64(x, 300, &a), OK, NULL);
    EXPECT(ferroscore_moments_f64(x + 300, N - 300, &b), OK, NULL);
    EXPECT(ferroscore_moments_merge(&a, &b, &m), OK, NULL);
    EXPECT(ferroscore_moments_f64(x, N, &whole), OK, NULL);
    double v1, v2, sd;
    EXPECT(ferroscore_moments_var(&m, 1, &v1), OK, NULL);
    EXPECT(ferroscore_var_f64(x, N, 1, &v2), OK, NULL);
    EXPECT(ferroscore_moments_std(&whole, 1, &sd), OK, NULL);
    CHECK(m.count == whole.count && m.min == whole.min && m.max == whole.max);
    CHECK(fabs(m.mean - whole.mean) <= 1e-14 && fabs(v1 - v2) <= 1e-12 * v2);
    CHECK(fabs(sd * sd - v2) <= 1e-12 * v2);
    EXPECT(ferroscore_moments_merge(&m, &m, &m), OK, NULL); /* out may alias */
    CHECK(m.count == 2 * whole.count);
    EXPECT(ferroscore_moments_merge(NULL, &b, &m), FERROSCORE_STATUS_NULL_POINTER, "`a`");
    free(x);
    free(out);
}

static void test_states(void) {
    FerroscoreScoreState *s = NULL, *s2 = NULL;
    double x[6] = {1, 2, NAN, 0.5, 3, -1}, a[6], b[6], v;
    EXPECT(ferroscore_score_state_new(NULL, &s), OK, NULL);
    EXPECT(ferroscore_score_state_update_f64(s, x, 2, a, 2), OK, NULL);
    EXPECT(ferroscore_score_state_clone(s, &s2), OK, NULL);
    EXPECT(ferroscore_score_state_update_f64(s, x + 2, 4, a + 2, 4), OK, NULL);
    EXPECT(ferroscore_score_state_update_f64(s2, x + 2, 4, b + 2, 4), OK, NULL);
    CHECK(memcmp(a + 2, b + 2, 4 * sizeof(double)) == 0); /* the clone goes on alike */
    EXPECT(ferroscore_score_series_f64(x, 6, NULL, b, 6), OK, NULL);
    CHECK(memcmp(a, b, sizeof a) == 0);
    EXPECT(ferroscore_score_state_value(s, &v), OK, NULL);
    CHECK(v == a[5]);
    EXPECT(ferroscore_score_state_update_f64(NULL, x, 2, a, 2), FERROSCORE_STATUS_NULL_POINTER,
           "`state`");
    EXPECT(ferroscore_score_state_update_f64(s, x, 2, a, 3), FERROSCORE_STATUS_LENGTH_MISMATCH,
           NULL);
    EXPECT(ferroscore_score_state_new(NULL, NULL), FERROSCORE_STATUS_NULL_POINTER, "`out`");
    FerroscoreScoreOptions bad = ferroscore_score_options_default();
    bad.down = INFINITY;
    FerroscoreScoreState *never = (FerroscoreScoreState *)&v; /* must stay untouched */
    EXPECT(ferroscore_score_state_new(&bad, &never), FERROSCORE_STATUS_INVALID_ARGUMENT, "down");
    CHECK(never == (FerroscoreScoreState *)&v);
    ferroscore_score_state_free(s);
    ferroscore_score_state_free(s2);
    ferroscore_score_state_free(NULL);

    FerroscoreRollingOptions r = ferroscore_rolling_options_default(3);
    FerroscoreRollingState *rs = NULL;
    r.center = true;
    EXPECT(ferroscore_rolling_state_new(FERROSCORE_ROLLING_KIND_MEAN, 0, 0, &r, &rs),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "center");
    r.center = false;
    EXPECT(ferroscore_rolling_state_new(42, 0, 0, &r, &rs), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "kind");
    EXPECT(ferroscore_rolling_state_new(FERROSCORE_ROLLING_KIND_QUANTILE, 2, 0, &r, &rs),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "`q`");
    EXPECT(ferroscore_rolling_state_new(FERROSCORE_ROLLING_KIND_QUANTILE, 0.25,
                                        FERROSCORE_INTERPOLATION_NEAREST, &r, &rs),
           OK, NULL);
    FerroscoreRollingState *rs2 = NULL;
    EXPECT(ferroscore_rolling_state_clone(rs, &rs2), OK, NULL);
    EXPECT(ferroscore_rolling_state_clone(NULL, &rs2), FERROSCORE_STATUS_NULL_POINTER, NULL);
    float xf[4] = {4, 1, 3, 2}, of[4];
    EXPECT(ferroscore_rolling_state_update_f32(rs, xf, 4, of, 4), OK, NULL);
    CHECK(isnan(of[1]) && of[2] == 1 && of[3] == 1); /* q=.25 of 3: h = 0.5 -> index 0 (even) */
    ferroscore_rolling_state_free(rs);
    ferroscore_rolling_state_free(rs2);

    FerroscoreCumState *cs = NULL;
    EXPECT(ferroscore_cum_state_new(7, true, &cs), FERROSCORE_STATUS_INVALID_ARGUMENT, "kind");
    EXPECT(ferroscore_cum_state_new(FERROSCORE_CUM_KIND_DRAWDOWN, true, &cs), OK, NULL);
    double px[3] = {100, 50, 120}, dd[3];
    EXPECT(ferroscore_cum_state_update_f64(cs, px, 3, dd, 3), OK, NULL);
    CHECK(dd[0] == 0 && dd[1] == -0.5 && dd[2] == 0);
    ferroscore_cum_state_free(cs);

    FerroscoreEwmOptions e = ferroscore_ewm_options_default();
    FerroscoreEwmMeanState *em = NULL;
    FerroscoreEwmVarState *ev = NULL, *ev2 = NULL;
    EXPECT(ferroscore_ewm_mean_state_new(&e, &em), FERROSCORE_STATUS_INVALID_ARGUMENT, "alpha");
    e.halflife = 1;
    EXPECT(ferroscore_ewm_mean_state_new(&e, &em), OK, NULL);
    double t[2] = {0, 1}, ex[2] = {0, 1}, eo[2];
    EXPECT(ferroscore_ewm_mean_state_update_times_f64(em, ex, 1, t, 1, eo, 1), OK, NULL);
    EXPECT(ferroscore_ewm_mean_state_update_times_f64(em, ex + 1, 1, t + 1, 1, eo + 1, 1), OK,
           NULL);
    CHECK(fabs(eo[1] - 1.0 / 1.5) < 1e-15);
    EXPECT(ferroscore_ewm_mean_state_value(em, &v), OK, NULL);
    CHECK(v == eo[1]);
    EXPECT(ferroscore_ewm_mean_state_update_times_f64(em, ex, 1, t, 1, eo, 1),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "non-decreasing"); /* time went back */
    FerroscoreEwmMeanState *em2 = NULL;
    EXPECT(ferroscore_ewm_mean_state_clone(em, &em2), OK, NULL);
    ferroscore_ewm_mean_state_free(em);
    ferroscore_ewm_mean_state_free(em2);
    EXPECT(ferroscore_ewm_var_state_new(&e, true, &ev), OK, NULL);
    EXPECT(ferroscore_ewm_var_state_clone(ev, &ev2), OK, NULL);
    EXPECT(ferroscore_ewm_var_state_update_f64(ev2, x, 2, a, 2), OK, NULL);
    CHECK(isnan(a[0]) && a[1] > 0);
    ferroscore_ewm_var_state_free(ev);
    ferroscore_ewm_var_state_free(ev2);
    ferroscore_ewm_mean_state_free(NULL);
    ferroscore_ewm_var_state_free(NULL);
    ferroscore_rolling_state_free(NULL);
    ferroscore_cum_state_free(NULL);
}

static void test_validation(void) {
    double price[5] = {10, NAN, 2e6, 5, INFINITY};
    float score[5] = {0.5f, 0.25f, 0.125f, 0.75f, 1.0f};
    int64_t id[5] = {1, 2, 2, 3, 7};
    FerroscoreColumn cols[3] = {
        {"price", FERROSCORE_DTYPE_F64, price, 5},
        {"score", FERROSCORE_DTYPE_F32, score, 5},
        {"id", FERROSCORE_DTYPE_I64, id, 5},
    };
    FerroscoreRuleSet *rules = NULL;
    FerroscoreReport *rep = NULL;
    size_t n = 0;
    EXPECT(ferroscore_ruleset_new(&rules), OK, NULL);
    EXPECT(ferroscore_ruleset_add_not_missing(rules, "price"), OK, NULL);
    EXPECT(ferroscore_ruleset_add_in_range(rules, "price", 0, 1e6, FERROSCORE_CLOSED_BOTH), OK,
           NULL);
    EXPECT(ferroscore_ruleset_add_finite(rules, "price"), OK, NULL);
    EXPECT(ferroscore_ruleset_add_unique(rules, "id"), OK, NULL);
    EXPECT(ferroscore_ruleset_add_no_gaps(rules, "id", 1), OK, NULL);
    EXPECT(ferroscore_ruleset_add_monotonic(rules, "score", false, true), OK, NULL);
    double set[4] = {0.5, 0.25, 0.125, 1};
    EXPECT(ferroscore_ruleset_add_in_set(rules, "score", set, 4), OK, NULL);
    EXPECT(ferroscore_ruleset_add_max_abs_zscore(rules, "score", 3), OK, NULL);
    /* rejected rules leave the set unchanged */
    EXPECT(ferroscore_ruleset_add_in_range(rules, "price", 2, 1, 0),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "lo <= hi");
    EXPECT(ferroscore_ruleset_add_in_range(rules, "price", 0, 1, 4),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "closed");
    EXPECT(ferroscore_ruleset_add_max_abs_zscore(rules, "price", -1),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "`k`");
    EXPECT(ferroscore_ruleset_add_no_gaps(rules, "id", 0), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "step");
    EXPECT(ferroscore_ruleset_add_unique(rules, NULL), FERROSCORE_STATUS_NULL_POINTER, "column");
    EXPECT(ferroscore_ruleset_add_unique(NULL, "id"), FERROSCORE_STATUS_NULL_POINTER, "rules");
    EXPECT(ferroscore_ruleset_add_unique(rules, "\xff\xfe"), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "UTF-8");
    EXPECT(ferroscore_ruleset_add_in_set(rules, "x", NULL, 2), FERROSCORE_STATUS_NULL_POINTER,
           "values");
    EXPECT(ferroscore_ruleset_len(rules, &n), OK, NULL);
    CHECK(n == 8);

    EXPECT(ferroscore_validate(cols, 3, rules, 10, &rep), OK, NULL);
    bool ok = true, passed = true;
    uint64_t nf = 0, rows[10];
    double vals[10];
    EXPECT(ferroscore_report_ok(rep, &ok), OK, NULL);
    CHECK(!ok);
    EXPECT(ferroscore_report_n_rows(rep, &n), OK, NULL);
    CHECK(n == 5);
    EXPECT(ferroscore_report_n_results(rep, &n), OK, NULL);
    CHECK(n == 8);
    /* not_missing(price): row 1 */
    EXPECT(ferroscore_report_n_failed(rep, 0, &nf), OK, NULL);
    CHECK(nf == 1);
    EXPECT(ferroscore_report_failed_rows(rep, 0, rows, 10), OK, NULL);
    CHECK(rows[0] == 1);
    /* in_range(price): 2e6 and Inf at rows 2 and 4 */
    EXPECT(ferroscore_report_n_recorded(rep, 1, &n), OK, NULL);
    CHECK(n == 2);
    EXPECT(ferroscore_report_failed_rows(rep, 1, rows, 2), OK, NULL);
    EXPECT(ferroscore_report_failed_values(rep, 1, vals, 2), OK, NULL);
    CHECK(rows[0] == 2 && rows[1] == 4 && vals[0] == 2e6 && isinf(vals[1]));
    EXPECT(ferroscore_report_failed_rows(rep, 1, rows, 1), FERROSCORE_STATUS_LENGTH_MISMATCH,
           "expected 2, got 1");
    /* finite(price): rows 1, 4 */
    EXPECT(ferroscore_report_n_failed(rep, 2, &nf), OK, NULL);
    CHECK(nf == 2);
    /* unique(id): row 2; no_gaps(id, 1): row 4 (3 -> 7) */
    EXPECT(ferroscore_report_failed_rows(rep, 3, rows, 10), OK, NULL);
    CHECK(rows[0] == 2);
    EXPECT(ferroscore_report_failed_values(rep, 4, vals, 10), OK, NULL);
    CHECK(vals[0] == 7);
    /* monotonic(score, strict increasing): rows 1, 2; in_set: row 3 (0.75) */
    EXPECT(ferroscore_report_n_failed(rep, 5, &nf), OK, NULL);
    CHECK(nf == 2);
    EXPECT(ferroscore_report_failed_values(rep, 6, vals, 10), OK, NULL);
    CHECK(vals[0] == 0.75);
    EXPECT(ferroscore_report_passed(rep, 7, &passed), OK, NULL);
    CHECK(passed);
    EXPECT(ferroscore_report_n_failed_total(rep, &nf), OK, NULL);
    CHECK(nf == 1 + 2 + 2 + 1 + 1 + 2 + 1);
    /* names and text */
    char buf[256], tiny[4];
    size_t need = 0;
    EXPECT(ferroscore_report_column(rep, 3, buf, sizeof buf, &need), OK, NULL);
    CHECK(strcmp(buf, "id") == 0 && need == 2);
    EXPECT(ferroscore_report_rule(rep, 1, buf, sizeof buf, NULL), OK, NULL);
    CHECK(strcmp(buf, "in_range(0, 1000000, closed=both)") == 0);
    EXPECT(ferroscore_report_rule(rep, 1, tiny, sizeof tiny, &need),
           FERROSCORE_STATUS_BUFFER_TOO_SMALL, "needs 34 bytes");
    CHECK(strcmp(tiny, "in_") == 0 && need == 33);
    EXPECT(ferroscore_report_rule(rep, 1, NULL, 0, &need), OK, NULL); /* length query */
    CHECK(need == 33);
    EXPECT(ferroscore_report_rule(rep, 1, NULL, 5, &need), FERROSCORE_STATUS_NULL_POINTER, "buf");
    EXPECT(ferroscore_report_summary(rep, NULL, 0, &need), OK, NULL);
    char *summary = malloc(need + 1);
    EXPECT(ferroscore_report_summary(rep, summary, need + 1, NULL), OK, NULL);
    CHECK(strstr(summary, "validation FAILED: 5 rows, 8 checks") != NULL);
    free(summary);
    EXPECT(ferroscore_report_n_failed(rep, 8, &nf), FERROSCORE_STATUS_INVALID_ARGUMENT, "index");
    EXPECT(ferroscore_report_column(rep, 99, buf, sizeof buf, NULL),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "index");
    EXPECT(ferroscore_report_ok(NULL, &ok), FERROSCORE_STATUS_NULL_POINTER, "report");
    EXPECT(ferroscore_report_ok(rep, NULL), FERROSCORE_STATUS_NULL_POINTER, "out");
    ferroscore_report_free(rep);
    rep = NULL;

    /* table errors */
    FerroscoreColumn shortcol[2] = {cols[0], {"short", FERROSCORE_DTYPE_F64, price, 3}};
    EXPECT(ferroscore_validate(shortcol, 2, rules, 10, &rep), FERROSCORE_STATUS_LENGTH_MISMATCH,
           "table");
    CHECK(rep == NULL);
    EXPECT(ferroscore_validate(cols, 1, rules, 10, &rep), FERROSCORE_STATUS_UNKNOWN_COLUMN,
           "unknown column `id`");
    FerroscoreColumn baddtype[1] = {{"price", 7, price, 5}};
    EXPECT(ferroscore_validate(baddtype, 1, rules, 10, &rep), FERROSCORE_STATUS_INVALID_ARGUMENT,
           "dtype");
    FerroscoreColumn noname[1] = {{NULL, FERROSCORE_DTYPE_F64, price, 5}};
    EXPECT(ferroscore_validate(noname, 1, rules, 10, &rep), FERROSCORE_STATUS_NULL_POINTER,
           "name");
    FerroscoreColumn nodata[1] = {{"price", FERROSCORE_DTYPE_F64, NULL, 5}};
    EXPECT(ferroscore_validate(nodata, 1, rules, 10, &rep), FERROSCORE_STATUS_NULL_POINTER,
           "data");
    EXPECT(ferroscore_validate(cols, 3, NULL, 10, &rep), FERROSCORE_STATUS_NULL_POINTER, "rules");
    EXPECT(ferroscore_validate(NULL, 3, rules, 10, &rep), FERROSCORE_STATUS_NULL_POINTER,
           "columns");
    EXPECT(ferroscore_validate(cols, 3, rules, 10, NULL), FERROSCORE_STATUS_NULL_POINTER, "out");
    /* max_failures = 0 records none but counts all */
    EXPECT(ferroscore_validate(cols, 3, rules, 0, &rep), OK, NULL);
    EXPECT(ferroscore_report_n_recorded(rep, 1, &n), OK, NULL);
    EXPECT(ferroscore_report_n_failed(rep, 1, &nf), OK, NULL);
    CHECK(n == 0 && nf == 2);
    EXPECT(ferroscore_report_failed_rows(rep, 1, NULL, 0), OK, NULL);
    ferroscore_report_free(rep);
    ferroscore_report_free(NULL);
    ferroscore_ruleset_free(rules);
    ferroscore_ruleset_free(NULL);
}

static void test_2d(void) {
    /* a row-major 3 x 4 array; along axis 1 each row is a series */
    double a[12], out[12], col[4], r[4];
    for (int i = 0; i < 12; i++) a[i] = (i * 7) % 5 - 1.5;
    FerroscoreRollingOptions ro = ferroscore_rolling_options_default(2);
    ro.min_periods = 1;
    EXPECT(ferroscore_rolling_mean_2d_f64(a, 3, 4, 4, 1, 1, &ro, out, 3, 4, 4, 1), OK, NULL);
    for (int i = 0; i < 3; i++) {
        EXPECT(ferroscore_rolling_mean_f64(a + 4 * i, 4, &ro, col, 4), OK, NULL);
        CHECK(memcmp(out + 4 * i, col, sizeof col) == 0);
    }
    /* along axis 0 each column is a series: column j = a[j], a[j + 4], a[j + 8] */
    EXPECT(ferroscore_cumsum_2d_f64(a, 3, 4, 4, 1, 0, true, out, 3, 4, 1, 3), OK, NULL);
    CHECK(out[0] == a[0] && out[1] == a[0] + a[4] && out[5] == a[1] + a[5] + a[9]);
    EXPECT(ferroscore_sum_2d_f64(a, 3, 4, 4, 1, 0, r, 4), OK, NULL);
    CHECK(r[1] == a[1] + a[5] + a[9]);
    uint64_t c[3];
    EXPECT(ferroscore_count_2d_f64(a, 3, 4, 4, 1, 1, c, 3), OK, NULL);
    CHECK(c[0] == 4 && c[2] == 4);
    /* errors */
    EXPECT(ferroscore_rolling_mean_2d_f64(a, 3, 4, 4, 1, 2, &ro, out, 3, 4, 4, 1),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "axis");
    EXPECT(ferroscore_rolling_mean_2d_f64(a, 3, 4, 4, 1, 0, &ro, out, 4, 3, 3, 1),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "out_n_rows");
    EXPECT(ferroscore_sum_2d_f64(a, 3, 4, 4, 1, 0, r, 3), FERROSCORE_STATUS_LENGTH_MISMATCH,
           "expected 4, got 3");
    EXPECT(ferroscore_rolling_mean_2d_f64(a, 3, 4, 4, 1, 0, &ro, a, 3, 4, 4, 1),
           FERROSCORE_STATUS_OVERLAP, "overlaps");
    EXPECT(ferroscore_rolling_mean_2d_f64(NULL, 3, 4, 4, 1, 0, &ro, out, 3, 4, 4, 1),
           FERROSCORE_STATUS_NULL_POINTER, "`x`");
    EXPECT(ferroscore_rolling_mean_2d_f64(a, 3, 4, 4, 1, 0, NULL, out, 3, 4, 4, 1),
           FERROSCORE_STATUS_NULL_POINTER, "opts");
    EXPECT(ferroscore_cumsum_2d_f64(a, 3, 4, 4, 1, 0, true, out, 3, 4, 0, 0),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "`out`"); /* every output at one place */
    EXPECT(ferroscore_sum_2d_f64(a, 3, SIZE_MAX, SIZE_MAX, 1, 1, r, 3),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "overflow");
    /* a zero stride repeats a series: fine for reading */
    EXPECT(ferroscore_sum_2d_f64(a, 3, 4, 4, 0, 0, r, 4), OK, NULL);
    CHECK(r[0] == r[3]);
    /* empty arrays */
    EXPECT(ferroscore_sum_2d_f64(NULL, 0, 2, 1, 3, 0, r, 2), OK, NULL);
    CHECK(r[0] == 0 && r[1] == 0);
    EXPECT(ferroscore_score_series_2d_f32(NULL, 0, 0, 0, 0, 1, NULL, NULL, 0, 0, 0, 0), OK, NULL);
}

static void test_scan(void) {
    enum { N = 500 };
    double x[N], a[N], b[N], up_down[2] = {0.9, 0.5}, init = 0.25;
    for (int i = 0; i < N; i++) x[i] = i % 11 == 0 ? NAN : sin(i * 0.7) * 3;
    FerroscoreScanProgram *p = NULL, *q = NULL;
    EXPECT(ferroscore_scan_compile("if x > s then fma(s, up, x) else s * down", "", "up,down",
                                   up_down, 2, true, &p),
           OK, NULL);
    FerroscoreScoreOptions so = ferroscore_score_options_default();
    so.init = init;
    EXPECT(ferroscore_score_series_f64(x, N, &so, a, N), OK, NULL);
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, &init, 1, b, N), OK, NULL);
    CHECK(memcmp(a, b, sizeof a) == 0); /* the seed rule as source text: same bits */
    /* a state fed in chunks gives the same bits; clone goes on alike */
    FerroscoreScanState *st = NULL, *st2 = NULL;
    EXPECT(ferroscore_scan_state_new(p, &init, 1, &st), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f64(st, x, 200, 1, 1, 200, b, 200), OK, NULL);
    EXPECT(ferroscore_scan_state_clone(st, &st2), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f64(st, x + 200, N - 200, 1, 1, N - 200, b + 200, N - 200),
           OK, NULL);
    CHECK(memcmp(a, b, sizeof a) == 0);
    double v = 0, c[N];
    uint64_t rows = 0;
    EXPECT(ferroscore_scan_state_update_f64(st2, x + 200, N - 200, 1, 1, N - 200, c, N - 200), OK,
           NULL);
    CHECK(memcmp(c, b + 200, (N - 200) * sizeof(double)) == 0);
    EXPECT(ferroscore_scan_state_values(st, &v, 1), OK, NULL);
    CHECK(v == a[N - 1]);
    EXPECT(ferroscore_scan_state_last_output(st, &v), OK, NULL);
    CHECK(v == a[N - 1]);
    EXPECT(ferroscore_scan_state_rows(st, &rows), OK, NULL);
    CHECK(rows == N);
    EXPECT(ferroscore_scan_state_values(st, c, 2), FERROSCORE_STATUS_LENGTH_MISMATCH, "out");
    size_t ns = 0;
    EXPECT(ferroscore_scan_state_n_states(st, &ns), OK, NULL);
    CHECK(ns == 1);
    ferroscore_scan_state_free(st);
    ferroscore_scan_state_free(st2);
    ferroscore_scan_state_free(NULL);
    /* errors */
    EXPECT(ferroscore_scan_compile("s +", NULL, NULL, NULL, 0, true, &q),
           FERROSCORE_STATUS_PARSE_ERROR, "line 1, column");
    CHECK(q == NULL);
    EXPECT(ferroscore_scan_compile("s * upp", NULL, "up", up_down, 1, true, &q),
           FERROSCORE_STATUS_PARSE_ERROR, "upp");
    EXPECT(ferroscore_scan_compile("s + x", "1x", NULL, NULL, 0, true, &q),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "inputs");
    EXPECT(ferroscore_scan_compile("s + x", NULL, "a,b", up_down, 1, true, &q),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "param_values");
    EXPECT(ferroscore_scan_compile(NULL, NULL, NULL, NULL, 0, true, &q),
           FERROSCORE_STATUS_NULL_POINTER, "source");
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, up_down, 2, b, N),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "init");
    EXPECT(ferroscore_scan_run_f64(p, x, N, 2, 1, N, &init, 1, b, N),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "inputs");
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, &init, 1, x, N), FERROSCORE_STATUS_OVERLAP,
           NULL);
    EXPECT(ferroscore_scan_run_f64(NULL, x, N, 1, 1, N, &init, 1, b, N),
           FERROSCORE_STATUS_NULL_POINTER, "program");
    ferroscore_scan_free(p);
    ferroscore_scan_free(NULL);
    /* two inputs, given as the columns of a row-major array (row stride 2) */
    double xy[6] = {3, 1, 1, 0, 5, 1}, out[3], f[3];
    float xyf[6] = {3, 1, 1, 0, 5, 1}, outf[3];
    size_t k = 0;
    char names[32];
    EXPECT(ferroscore_scan_compile("m = max(m, x - y); out = m", "x, y", NULL, NULL, 0, true, &q),
           OK, NULL);
    EXPECT(ferroscore_scan_n_inputs(q, &k), OK, NULL);
    CHECK(k == 2);
    EXPECT(ferroscore_scan_n_states(q, &k), OK, NULL);
    CHECK(k == 1);
    EXPECT(ferroscore_scan_input_names(q, names, sizeof names, &k), OK, NULL);
    CHECK(strcmp(names, "x,y") == 0 && k == 3);
    EXPECT(ferroscore_scan_state_names(q, names, sizeof names, NULL), OK, NULL);
    CHECK(strcmp(names, "m") == 0);
    double zero = 0;
    EXPECT(ferroscore_scan_run_f64(q, xy, 3, 2, 2, 1, &zero, 1, out, 3), OK, NULL);
    CHECK(out[0] == 2 && out[1] == 2 && out[2] == 4);
    EXPECT(ferroscore_scan_run_f32(q, xyf, 3, 2, 2, 1, &zero, 1, outf, 3), OK, NULL);
    CHECK(outf[0] == 2 && outf[1] == 2 && outf[2] == 4);
    ferroscore_scan_free(q);
    /* skipna = false: a NaN flows through */
    EXPECT(ferroscore_scan_compile("s + x", NULL, NULL, NULL, 0, false, &q), OK, NULL);
    double xn[3] = {1, NAN, 1};
    EXPECT(ferroscore_scan_run_f64(q, xn, 3, 1, 1, 3, &zero, 1, f, 3), OK, NULL);
    CHECK(f[0] == 1 && isnan(f[1]) && isnan(f[2]));
    ferroscore_scan_free(q);
}

/* The error message of the last failure has the line and column, the source
 * line and a caret under column `col` of that line. */
static void check_caret(const char *src_line, int line, int col) {
    char m[1024], want[64];
    ferroscore_last_error_message(m, sizeof m);
    snprintf(want, sizeof want, "line %d, column %d", line, col);
    n_checks++;
    const char *at = strstr(m, src_line), *caret = strrchr(m, '^');
    if (strstr(m, want) == NULL || at == NULL || caret == NULL) {
        n_fail++;
        printf("FAIL caret: \"%s\" lacks \"%s\", the source line or a caret\n", m, want);
        return;
    }
    /* column of `^` within its line == column of the error within the echoed source line */
    const char *caret_line = caret;
    while (caret_line > m && caret_line[-1] != '\n') caret_line--;
    const char *src_start = at;
    while (src_start > m && src_start[-1] != '\n') src_start--;
    long caret_col = caret - caret_line, src_col = (at - src_start) + (col - 1);
    n_checks++;
    if (caret_col != src_col) {
        n_fail++;
        printf("FAIL caret at %ld, wanted %ld in\n%s\n", caret_col, src_col, m);
    }
}

/* The naive C loop of `m = m + a * (x - m); v = (1 - a) * (v + a * d * d);
 * out = sqrt(v)` with one rounding per operator (C99 mode: no contraction). */
static void ewm_ref(const double *x, size_t n, double a, double *m, double *v, double *out) {
    for (size_t i = 0; i < n; i++) {
        if (!isnan(x[i])) {
            double d = x[i] - *m;
            *m = *m + a * d;
            *v = (1 - a) * (*v + a * d * d);
        }
        /* a skipped row repeats the last output; before any row: NaN (`out` is no state) */
        out[i] = !isnan(x[i]) ? sqrt(*v) : i > 0 ? out[i - 1] : NAN;
    }
}

static const char *EWM_SRC = "# ewm mean and variance\n"
                             "let d = x - m\n"
                             "m = m + a * d\n"
                             "v = (1 - a) * (v + a * d * d)\n"
                             "out = sqrt(v)\n";

struct scan_job {
    const FerroscoreScanProgram *prog;
    const double *x, *want;
    size_t n;
    int bad;
};

/* one compiled program shared by threads, each with its own runs and state */
static void *scan_worker(void *arg) {
    struct scan_job *j = arg;
    double *out = malloc(j->n * sizeof *out), init[2] = {0, 0};
    if (out == NULL) {
        j->bad = 1;
        return NULL;
    }
    for (int r = 0; r < 50; r++) {
        j->bad |= ferroscore_scan_run_f64(j->prog, j->x, j->n, 1, 1, j->n, init, 2, out, j->n) !=
                  FERROSCORE_STATUS_OK;
        j->bad |= memcmp(out, j->want, j->n * sizeof *out) != 0;
        FerroscoreScanState *st = NULL;
        j->bad |= ferroscore_scan_state_new(j->prog, init, 2, &st) != FERROSCORE_STATUS_OK;
        size_t h = (size_t)r % j->n;
        j->bad |= ferroscore_scan_state_update_f64(st, j->x, h, 1, 1, h, out, h) != FERROSCORE_STATUS_OK;
        j->bad |= ferroscore_scan_state_update_f64(st, j->x + h, j->n - h, 1, 1, j->n - h, out + h,
                                                   j->n - h) != FERROSCORE_STATUS_OK;
        j->bad |= memcmp(out, j->want, j->n * sizeof *out) != 0;
        ferroscore_scan_state_free(st);
        /* a failure of this thread's own: an init of the wrong length */
        j->bad |= ferroscore_scan_run_f64(j->prog, j->x, j->n, 1, 1, j->n, init, 0, out, j->n) !=
                  FERROSCORE_STATUS_LENGTH_MISMATCH;
    }
    char msg[128];
    ferroscore_last_error_message(msg, sizeof msg);
    j->bad |= strstr(msg, "`init`") == NULL;
    free(out);
    return NULL;
}

/* The scan language through the C ABI beyond test_scan: compile errors with
 * their carets, multi-state and multi-input programs against C loops, chunks,
 * f32, strided inputs, one program shared by threads. */
static void test_scan_language(void) {
    FerroscoreScanProgram *p = NULL;
    double ud[2] = {0.9, 0.5};
    /* compile errors: PARSE_ERROR, line, column, source line and caret */
    EXPECT(ferroscore_scan_compile("s +", NULL, NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "scan syntax error at line 1, column 4");
    check_caret("s +", 1, 4);
    EXPECT(ferroscore_scan_compile("if x > s then s * upp + x else s * down", NULL, "up, down", ud,
                                   2, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "unknown name `upp` (known: down, i, s, up, x)");
    check_caret("if x > s then s * upp + x else s * down", 1, 19);
    EXPECT(ferroscore_scan_compile("m = m + x\nv = v + * x\nout = v", NULL, NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "line 2, column 9");
    check_caret("v = v + * x", 2, 9);
    EXPECT(ferroscore_scan_compile("s + foo(x)", NULL, NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "foo");
    check_caret("s + foo(x)", 1, 5);
    EXPECT(ferroscore_scan_compile("fma(s, x)", NULL, NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "fma");
    EXPECT(ferroscore_scan_compile("s + y", "x", NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "unknown name `y`");
    EXPECT(ferroscore_scan_compile("a = x; b = a", NULL, NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "out");
    EXPECT(ferroscore_scan_compile("x + (s > 1)", NULL, NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_PARSE_ERROR, "line 1");
    EXPECT(ferroscore_scan_compile("s + x", "x, x", NULL, NULL, 0, true, &p),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "twice");
    EXPECT(ferroscore_scan_compile("s + x", NULL, "if", ud, 1, true, &p),
           FERROSCORE_STATUS_INVALID_ARGUMENT, "reserved");
    EXPECT(ferroscore_scan_compile("s + x", NULL, "up", NULL, 1, true, &p),
           FERROSCORE_STATUS_NULL_POINTER, "param_values");
    CHECK(p == NULL); /* a failed compile leaves the out pointer untouched */
    /* the message is the same when asked for its length first */
    EXPECT(ferroscore_scan_compile("s +", NULL, NULL, NULL, 0, true, &p), FERROSCORE_STATUS_PARSE_ERROR,
           NULL);
    size_t len = ferroscore_last_error_message(NULL, 0);
    char *msg = malloc(len + 1);
    CHECK(msg != NULL && ferroscore_last_error_message(msg, len + 1) == len && strlen(msg) == len);
    CHECK(msg != NULL && strchr(msg, '^') != NULL && strchr(msg, '\n') != NULL);
    free(msg);

    enum { N = 1000 };
    static double x[N], y[N], z[N], want[N], out[N], xyz[3 * N], pad[N * 5];
    for (int i = 0; i < N; i++) {
        x[i] = i % 13 == 5 ? NAN : cos(i * 0.37) * 2 + 0.1 * (i % 7);
        y[i] = sin(i * 0.11);
        z[i] = (double)(i % 5) - 2;
    }
    /* the seed text as written (no fma) equals the plain C loop */
    EXPECT(ferroscore_scan_compile("if x > s then s * up + x else s * down", NULL, "up,down", ud, 2,
                                   true, &p),
           OK, NULL);
    double s = 0, zero = 0;
    for (int i = 0; i < N; i++) {
        if (!isnan(x[i])) s = x[i] > s ? s * 0.9 + x[i] : s * 0.5;
        want[i] = s;
    }
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, &zero, 1, out, N), OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    /* f32: float input is widened, computed in double, rounded back */
    static float xf[N], of[N], of2[N];
    static double xw[N], ow[N];
    for (int i = 0; i < N; i++) xw[i] = xf[i] = (float)x[i];
    EXPECT(ferroscore_scan_run_f32(p, xf, N, 1, 1, N, &zero, 1, of, N), OK, NULL);
    EXPECT(ferroscore_scan_run_f64(p, xw, N, 1, 1, N, &zero, 1, ow, N), OK, NULL);
    int same = 1;
    for (int i = 0; i < N; i++) same &= of[i] == (float)ow[i];
    CHECK(same);
    /* f32 state in chunks == one call */
    FerroscoreScanState *st = NULL;
    EXPECT(ferroscore_scan_state_new(p, &zero, 1, &st), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f32(st, xf, 333, 1, 1, 333, of2, 333), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f32(st, xf + 333, 0, 1, 1, 0, of2 + 333, 0), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f32(st, xf + 333, N - 333, 1, 1, N - 333, of2 + 333, N - 333),
           OK, NULL);
    CHECK(memcmp(of, of2, sizeof of) == 0);
    ferroscore_scan_state_free(st);
    st = NULL;
    ferroscore_scan_free(p);

    /* several states with their own init, read back by name order */
    double a = 0.2, init2[2] = {0.5, 1.5}, init3[3] = {0, 0, 0}, mv[2];
    char names[32];
    EXPECT(ferroscore_scan_compile(EWM_SRC, NULL, "a", &a, 1, true, &p), OK, NULL);
    size_t k = 0;
    EXPECT(ferroscore_scan_n_states(p, &k), OK, NULL);
    CHECK(k == 2);
    EXPECT(ferroscore_scan_state_names(p, names, sizeof names, &k), OK, NULL);
    CHECK(strcmp(names, "m,v") == 0 && k == 3);
    EXPECT(ferroscore_scan_state_names(p, names, 2, &k), FERROSCORE_STATUS_BUFFER_TOO_SMALL, NULL);
    CHECK(k == 3);
    double m = init2[0], v = init2[1];
    ewm_ref(x, N, a, &m, &v, want);
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, init2, 2, out, N), OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, init3, 3, out, N),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "`init`");
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, NULL, 0, out, N),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "`init`");
    EXPECT(ferroscore_scan_state_new(p, init3, 3, &st), FERROSCORE_STATUS_LENGTH_MISMATCH, "`init`");
    CHECK(st == NULL);
    /* chunks of every size, including empty ones, give the same bits */
    size_t cuts[] = {0, 0, 1, 7, 7, 500, 999, N};
    EXPECT(ferroscore_scan_state_new(p, init2, 2, &st), OK, NULL);
    for (size_t c = 0; c + 1 < sizeof cuts / sizeof *cuts; c++) {
        size_t lo = cuts[c], len_c = cuts[c + 1] - cuts[c];
        EXPECT(ferroscore_scan_state_update_f64(st, x + lo, len_c, 1, 1, len_c, out + lo, len_c), OK,
               NULL);
    }
    CHECK(memcmp(out, want, sizeof out) == 0);
    EXPECT(ferroscore_scan_state_values(st, mv, 2), OK, NULL);
    CHECK(mv[0] == m && mv[1] == v);
    ferroscore_scan_state_free(st);

    /* one program, four threads at once (states of their own) */
    pthread_t t[4];
    struct scan_job jobs[4];
    double zz[2] = {0, 0};
    m = 0, v = 0;
    ewm_ref(x, N, a, &m, &v, want);
    EXPECT(ferroscore_scan_run_f64(p, x, N, 1, 1, N, zz, 2, out, N), OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct scan_job){p, x, want, N, 0};
        pthread_create(&t[i], NULL, scan_worker, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    CHECK(!jobs[0].bad && !jobs[1].bad && !jobs[2].bad && !jobs[3].bad);
    /* a state outlives its program's handle */
    EXPECT(ferroscore_scan_state_new(p, zz, 2, &st), OK, NULL);
    ferroscore_scan_free(p);
    EXPECT(ferroscore_scan_state_update_f64(st, x, N, 1, 1, N, out, N), OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    ferroscore_scan_state_free(st);

    /* three named inputs, `i`, as the columns of strided arrays */
    const char *src3 = "acc = if z > 0 then acc + w * y else acc - i * 0.001\nout = acc * 2";
    EXPECT(ferroscore_scan_compile(src3, "w, y, z", NULL, NULL, 0, true, &p), OK, NULL);
    EXPECT(ferroscore_scan_input_names(p, names, sizeof names, NULL), OK, NULL);
    CHECK(strcmp(names, "w,y,z") == 0);
    double acc = 1;
    for (int i = 0; i < N; i++) {
        if (!isnan(x[i])) acc = z[i] > 0 ? acc + x[i] * y[i] : acc - i * 0.001;
        want[i] = acc * 2;
        if (isnan(x[i])) want[i] = i > 0 ? want[i - 1] : 2; /* output repeats */
    }
    double one = 1;
    /* row-major (row stride 3, column stride 1) */
    for (int i = 0; i < N; i++) xyz[3 * i] = x[i], xyz[3 * i + 1] = y[i], xyz[3 * i + 2] = z[i];
    EXPECT(ferroscore_scan_run_f64(p, xyz, N, 3, 3, 1, &one, 1, out, N), OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    /* column-major with a padded leading dimension (Fortran / Julia matrices) */
    for (int i = 0; i < N; i++)
        pad[i] = x[i], pad[i + N + 7] = y[i], pad[i + 2 * (N + 7)] = z[i];
    EXPECT(ferroscore_scan_run_f64(p, pad, N, 3, 1, N + 7, &one, 1, out, N), OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    /* wrong input counts, strides reaching past the data are caught */
    EXPECT(ferroscore_scan_run_f64(p, xyz, N, 2, 3, 1, &one, 1, out, N),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "inputs");
    EXPECT(ferroscore_scan_run_f64(p, xyz, N, 3, 3, 1, &one, 1, out, N - 1),
           FERROSCORE_STATUS_LENGTH_MISMATCH, "length mismatch");
    /* state over strided chunks: `i` keeps counting */
    EXPECT(ferroscore_scan_state_new(p, &one, 1, &st), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f64(st, xyz, 400, 3, 3, 1, out, 400), OK, NULL);
    EXPECT(ferroscore_scan_state_update_f64(st, xyz + 3 * 400, N - 400, 3, 3, 1, out + 400, N - 400),
           OK, NULL);
    CHECK(memcmp(out, want, sizeof out) == 0);
    uint64_t rows = 0;
    EXPECT(ferroscore_scan_state_rows(st, &rows), OK, NULL);
    CHECK(rows == N);
    ferroscore_scan_state_free(st);
    ferroscore_scan_free(p);
}

/* The last error is per thread; kernels run concurrently from many threads. */
static void *worker(void *arg) {
    int *bad = arg;
    double x[1000], out[1000], s;
    for (int i = 0; i < 1000; i++) x[i] = i % 7 - 3;
    for (int r = 0; r < 200; r++) {
        *bad |= ferroscore_score_series_f64(x, 1000, NULL, out, 1000) != FERROSCORE_STATUS_OK;
        *bad |= ferroscore_sum_f64(x, 1000, &s) != FERROSCORE_STATUS_OK || s != -3;
        *bad |= ferroscore_dot_f64(x, 1000, x, 999, &s) != FERROSCORE_STATUS_LENGTH_MISMATCH;
    }
    char msg[128];
    ferroscore_last_error_message(msg, sizeof msg);
    *bad |= strstr(msg, "`b`") == NULL; /* this thread's own last error */
    return NULL;
}

static void test_threads(void) {
    double x[2] = {1, 2}, out[2];
    FerroscoreRollingOptions r = ferroscore_rolling_options_default(0);
    EXPECT(ferroscore_rolling_sum_f64(x, 2, &r, out, 2), FERROSCORE_STATUS_INVALID_ARGUMENT, "window");
    pthread_t t[4];
    int bad[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, &bad[i]);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    CHECK(!bad[0] && !bad[1] && !bad[2] && !bad[3]);
    char msg[128];
    ferroscore_last_error_message(msg, sizeof msg);
    CHECK(strstr(msg, "`window`") != NULL); /* untouched by the other threads' failures */
}

int main(void) {
    test_meta();
    test_last_error();
    test_landing_pad();
    test_pointers();
    test_invalid_arguments();
    test_naive_references();
    test_states();
    test_validation();
    test_threads();
    test_2d();
    test_scan();
    test_scan_language();
    printf("test_api: %d checks, %d failures\n", n_checks, n_fail);
    return n_fail != 0;
}
