# The seed workload from Julia: score_series and power_sum on 10 million
# values (1% missing) through FerroScore, timed against plain Julia loops;
# and the same rule written in the scan language (compiled once by the core).
#
#   make build-c
#   FERROSCORE_LIB=$PWD/target/release/libferroscore.so \
#     julia --project=bindings-c/julia/FerroScore examples/julia/quickstart.jl [n]
#
# (No Julia could be installed where this was written: the module's ccall
# signatures are checked through Python ctypes by `make test-c`.)

using FerroScore

# the benches' series: xorshift64, 1% NaN, a sum of 4 uniforms (mean 0, sd 1)
function series(n)
    s = 0x9E3779B97F4A7C15 | 0x1
    x = Vector{Float64}(undef, n)
    for i in 1:n
        s ⊻= s << 13; s ⊻= s >> 7; s ⊻= s << 17
        if s % 1000 < 10
            x[i] = NaN
            continue
        end
        u = 0.0
        for _ in 1:4
            s ⊻= s << 13; s ⊻= s >> 7; s ⊻= s << 17
            u += (s >> 11) / 2.0^53
        end
        x[i] = (u - 2.0) * 1.7320508
    end
    return x
end

function plain_score(x)
    s = 0.0
    out = similar(x)
    @inbounds for i in eachindex(x)
        v = x[i]
        if !isnan(v)
            s = v > s ? s * 0.9 + v : s * 0.5
        end
        out[i] = s
    end
    return out
end

plain_power_sum(x) = sum(v -> v > 0 ? v^1.5 : 0.0, x)

best(f, runs=5) = minimum(_ -> (t = time_ns(); f(); (time_ns() - t) / 1e9), 1:runs)

function main(n)
    x = series(n)
    score_series(x[1:10]); plain_score(x[1:10]); power_sum(x[1:10]); plain_power_sum(x[1:10]) # compile
    t_score = best(() -> score_series(x))
    t_loop = best(() -> plain_score(x))
    t_pow = best(() -> power_sum(x, 1.5))
    t_jpow = best(() -> plain_power_sum(x))
    # the seed rule as text, compiled once; `scan` runs it at native speed
    rule = "if x > s then s * up + x else s * down"
    t_compile = best(() -> compile_scan(rule; params=Dict("up" => 0.9, "down" => 0.5)), 1000)
    prog = compile_scan(rule; params=Dict("up" => 0.9, "down" => 0.5))
    scan(prog, x[1:10]) # compile
    t_scan = best(() -> scan(prog, x))
    sc = scan(prog, x)
    out, ref = score_series(x), plain_score(x)
    p, pj = power_sum(x, 1.5), plain_power_sum(x)
    println("ferroscore $(FerroScore.version()) Julia quickstart: $n values, 1% missing\n")
    println(rpad("kernel", 34), lpad("ms", 11), lpad("ns/value", 13))
    for (name, t) in (("score_series (ferroscore)", t_score), ("score_series (plain Julia loop)", t_loop),
        ("scan(seed rule as text)", t_scan), ("power_sum p=1.5 (ferroscore)", t_pow), ("power_sum p=1.5 (Julia sum)", t_jpow))
        println(rpad(name, 34), lpad(string(round(t * 1e3, digits=2)), 11),
            lpad(string(round(t * 1e9 / n, digits=3)), 13))
    end
    max_diff = maximum(abs.(out .- ref))
    println("\nscore_series last value $(out[end]), max |diff| vs plain loop $max_diff")
    println("power_sum $p (plain $pj, relative diff $(abs(p - pj) / abs(pj)))")
    # the text rounds each operator once, like the Julia loop: the same bits
    same = count(sc .=== ref)
    println("scan: compiled in $(round(t_compile * 1e6, digits=1)) us (best of 1000); $same of $n values " *
            "equal the loop's bits, max |diff| vs score_series $(maximum(abs.(sc .- out)))")
    max_diff < 1e-9 && abs(p - pj) <= 1e-12 * abs(pj) && same == n || error("results disagree")
end

main(isempty(ARGS) ? 10_000_000 : parse(Int, ARGS[1]))
