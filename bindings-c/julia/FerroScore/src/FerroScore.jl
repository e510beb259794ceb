"""
    FerroScore

Julia interface to ferroscore's C ABI (`libferroscore`): stateful scoring
scans, rolling windows, exponentially weighted statistics, reductions, group
aggregations and column validation, with the same bits as every other
ferroscore binding.

Set `ENV["FERROSCORE_LIB"]` to the path of `libferroscore.so` before
`using FerroScore` unless the library is on the loader path.

Vectors of `Float64` or `Float32` go in (other vectors are converted), the
result has the input's element type. Scans and reductions also take a
matrix with `dims=1` (each column is a series, the default) or `dims=2`
(each row), series in parallel; a reduction then returns one value per
series as a `Vector`. A failing call throws a
[`FerroScoreError`](@ref) carrying the C status and the core's message.

Names that exist in `Base` (`sum`, `cumsum`, `min`, `max`, `count`) and in
`Statistics` (`mean`, `var`, `std`) are not exported: call them qualified,
`FerroScore.sum(x)`.
"""
module FerroScore

include("LibFerroScore.jl")
using .LibFerroScore
const L = LibFerroScore

export FerroScoreError, score_series, ewm_mean, ewm_var, ewm_std,
    rolling_sum, rolling_mean, rolling_var, rolling_std, rolling_min, rolling_max,
    rolling_median, rolling_zscore, rolling_quantile, cummax, cummin, drawdown,
    power_sum, moments, group_sum, group_mean, group_var, group_std, group_min,
    group_max, group_count, group_power_sum,
    ScoreState, EwmMeanState, EwmVarState, RollingState, CumState, update!, state_value,
    ScanProgram, compile_scan, scan, ScanState, state_values,
    RuleSet, add_rule!, validate, Report

# ------------------------------------------------------------------ errors

"""
    FerroScoreError(status, name, message)

A failed call: `status` is the C status code (`LibFerroScore.FERROSCORE_STATUS_*`),
`name` its name, `message` the core's explanation (the same text in every
language).
"""
struct FerroScoreError <: Exception
    status::Int32
    name::String
    message::String
end

Base.showerror(io::IO, e::FerroScoreError) = print(io, "FerroScoreError (", e.name, "): ", e.message)

"""The message of this thread's last failed call."""
function last_error_message()
    n = L.ferroscore_last_error_message(C_NULL, 0)
    buf = Vector{UInt8}(undef, n + 1)
    L.ferroscore_last_error_message(buf, length(buf))
    return String(buf[1:n])
end

"""The name of a status code."""
status_name(status::Integer) = unsafe_string(L.ferroscore_status_name(Int32(status)))

"""The library's version."""
version() = VersionNumber(unsafe_string(L.ferroscore_version()))

function check(status::Int32)
    status == L.FERROSCORE_STATUS_OK && return nothing
    throw(FerroScoreError(status, status_name(status), last_error_message()))
end

# ------------------------------------------------------------------ helpers

const Floats = Union{Float64,Float32}
suffix(::Type{Float64}) = "_f64"
suffix(::Type{Float32}) = "_f32"
dense(x::Vector{T}) where {T<:Floats} = x
dense(x::AbstractVector{T}) where {T<:Floats} = Vector{T}(x)
dense(x::AbstractVector) = Vector{Float64}(x)
dense(x::Matrix{T}) where {T<:Floats} = x
dense(x::AbstractMatrix{T}) where {T<:Floats} = Matrix{T}(x)
dense(x::AbstractMatrix) = Matrix{Float64}(x)

# Julia's dims (1: down each column, 2: along each row) as the C axis
axis_code(dims::Integer) = dims == 1 ? Int32(0) : dims == 2 ? Int32(1) :
                           throw(ArgumentError("dims must be 1 or 2, got $dims"))

# the C function `name` with the element suffix of T (and the group code suffix)
cfun(name::Symbol, ::Type{T}, codes::String="") where {T} = getfield(L, Symbol(name, suffix(T), codes))

nan_or(v) = v === nothing ? NaN : Float64(v)

function ewm_options(alpha, span, com, halflife, adjust, ignore_na, min_periods, bias)
    return L.FerroscoreEwmOptions(nan_or(alpha), nan_or(span), nan_or(com), nan_or(halflife),
        Csize_t(min_periods), adjust, ignore_na, bias)
end

function rolling_options(window, min_periods, center, ddof, skipna)
    return L.FerroscoreRollingOptions(Csize_t(window), min_periods === nothing ? Int64(-1) : Int64(min_periods),
        Csize_t(ddof), center, skipna)
end

interpolation_code(s::Union{Symbol,AbstractString}) = begin
    out = Ref{Int32}(-1)
    check(L.ferroscore_interpolation_from_name(string(s), out))
    out[]
end

closed_code(s::Union{Symbol,AbstractString}) = begin
    out = Ref{Int32}(-1)
    check(L.ferroscore_closed_from_name(string(s), out))
    out[]
end

# a scan: out = similar(x), then the C call with (x, n, extra..., out, n)
function kernel_scan(name::Symbol, x::AbstractVector, extra...; dims::Integer=1)
    x = dense(x)
    out = similar(x)
    check(cfun(name, eltype(x))(x, length(x), extra..., out, length(out)))
    return out
end

# on a matrix: every column (dims=1) or row (dims=2) is a series; the C
# `_2d` form with column-major strides, series in parallel
function kernel_scan(name::Symbol, x::AbstractMatrix, extra...; dims::Integer=1)
    x = dense(x)
    out = similar(x)
    nr, nc = size(x)
    f = cfun(Symbol(name, "_2d"), eltype(x))
    check(f(x, nr, nc, 1, nr, axis_code(dims), extra..., out, nr, nc, 1, nr))
    return out
end

# ------------------------------------------------------------------ scans

"""
    score_series(x; up=0.9, down=0.5, init=0.0, skipna=true)

`s = s*up + v if v > s else s*down` for each value (fused multiply-add); a
missing value (NaN) leaves `s` unchanged with `skipna`.
"""
score_series(x::AbstractVecOrMat; up=0.9, down=0.5, init=0.0, skipna::Bool=true, dims::Integer=1) =
    kernel_scan(:ferroscore_score_series, x, Ref(L.FerroscoreScoreOptions(up, down, init, skipna)); dims=dims)

"""
    ewm_mean(x; alpha|span|com|halflife, adjust=true, ignore_na=false, min_periods=0, times=nothing)

pandas `Series.ewm(...).mean()`; exactly one decay parameter. With `times`
(a vector of Float64, non-decreasing) the half-life is in their unit.
"""
function ewm_mean(x::AbstractVecOrMat; alpha=nothing, span=nothing, com=nothing, halflife=nothing,
    adjust::Bool=true, ignore_na::Bool=false, min_periods::Integer=0, times=nothing, dims::Integer=1)
    o = Ref(ewm_options(alpha, span, com, halflife, adjust, ignore_na, min_periods, false))
    times === nothing && return kernel_scan(:ferroscore_ewm_mean, x, o; dims=dims)
    x isa AbstractVector || throw(ArgumentError("times need a vector"))
    t = Vector{Float64}(times)
    return kernel_scan(:ferroscore_ewm_mean_times, x, t, length(t), o)
end

"""
    ewm_var(x; alpha|span|com|halflife, adjust=true, ignore_na=false, min_periods=0, bias=false)

pandas `Series.ewm(...).var(bias=bias)`.
"""
ewm_var(x::AbstractVecOrMat; alpha=nothing, span=nothing, com=nothing, halflife=nothing,
    adjust::Bool=true, ignore_na::Bool=false, min_periods::Integer=0, bias::Bool=false, dims::Integer=1) =
    kernel_scan(:ferroscore_ewm_var, x, Ref(ewm_options(alpha, span, com, halflife, adjust, ignore_na, min_periods, bias));
        dims=dims)

"""
    ewm_std(x; alpha|span|com|halflife, adjust=true, ignore_na=false, min_periods=0, bias=false)

pandas `Series.ewm(...).std(bias=bias)`.
"""
ewm_std(x::AbstractVecOrMat; alpha=nothing, span=nothing, com=nothing, halflife=nothing,
    adjust::Bool=true, ignore_na::Bool=false, min_periods::Integer=0, bias::Bool=false, dims::Integer=1) =
    kernel_scan(:ferroscore_ewm_std, x, Ref(ewm_options(alpha, span, com, halflife, adjust, ignore_na, min_periods, bias));
        dims=dims)

for (jl, c) in ((:rolling_sum, :ferroscore_rolling_sum), (:rolling_mean, :ferroscore_rolling_mean),
    (:rolling_var, :ferroscore_rolling_var), (:rolling_std, :ferroscore_rolling_std),
    (:rolling_min, :ferroscore_rolling_min), (:rolling_max, :ferroscore_rolling_max),
    (:rolling_median, :ferroscore_rolling_median), (:rolling_zscore, :ferroscore_rolling_zscore))
    @eval begin
        """
            $($(string(jl)))(x, window; min_periods=window, center=false, ddof=1, skipna=true)

        pandas `rolling(window)` semantics (see the ferroscore docs).
        """
        $jl(x::AbstractVecOrMat, window::Integer; min_periods=nothing, center::Bool=false,
            ddof::Integer=1, skipna::Bool=true, dims::Integer=1) =
            kernel_scan($(QuoteNode(c)), x, Ref(rolling_options(window, min_periods, center, ddof, skipna)); dims=dims)
    end
end

"""
    rolling_quantile(x, window, q; interpolation=:linear, min_periods=window, center=false, skipna=true)

Rolling quantile `q` in [0, 1]; `interpolation` one of `:linear`, `:lower`,
`:higher`, `:nearest`, `:midpoint`.
"""
rolling_quantile(x::AbstractVecOrMat, window::Integer, q::Real; interpolation=:linear,
    min_periods=nothing, center::Bool=false, skipna::Bool=true, dims::Integer=1) =
    kernel_scan(:ferroscore_rolling_quantile, x, Float64(q), interpolation_code(interpolation),
        Ref(rolling_options(window, min_periods, center, 1, skipna)); dims=dims)

"""`FerroScore.cumsum(x; skipna=true)`: compensated cumulative sum (NaN at missing rows)."""
cumsum(x::AbstractVecOrMat; skipna::Bool=true, dims::Integer=1) = kernel_scan(:ferroscore_cumsum, x, skipna; dims=dims)
"""`cummax(x; skipna=true)`: cumulative maximum."""
cummax(x::AbstractVecOrMat; skipna::Bool=true, dims::Integer=1) = kernel_scan(:ferroscore_cummax, x, skipna; dims=dims)
"""`cummin(x; skipna=true)`: cumulative minimum."""
cummin(x::AbstractVecOrMat; skipna::Bool=true, dims::Integer=1) = kernel_scan(:ferroscore_cummin, x, skipna; dims=dims)
"""`drawdown(x; skipna=true)`: `x / cummax(x) - 1`."""
drawdown(x::AbstractVecOrMat; skipna::Bool=true, dims::Integer=1) = kernel_scan(:ferroscore_drawdown, x, skipna; dims=dims)

# ------------------------------------------------------------------ reductions

function reduce_to(name::Symbol, ::Type{R}, x::AbstractVector, extra...; dims::Integer=1) where {R}
    x = dense(x)
    out = Ref{R}()
    check(cfun(name, eltype(x))(x, length(x), extra..., out))
    return out[]
end

# on a matrix: one value per column (dims=1) or per row (dims=2), as a Vector
function reduce_to(name::Symbol, ::Type{R}, x::AbstractMatrix, extra...; dims::Integer=1) where {R}
    x = dense(x)
    nr, nc = size(x)
    out = Vector{R}(undef, dims == 1 ? nc : nr)
    f = cfun(Symbol(name, "_2d"), eltype(x))
    check(f(x, nr, nc, 1, nr, axis_code(dims), extra..., out, length(out)))
    return out
end

"""`FerroScore.sum(x)`: sum of the non-missing values (0 when none), as Float64."""
sum(x::AbstractVecOrMat; dims::Integer=1) = reduce_to(:ferroscore_sum, Float64, x; dims=dims)
"""`FerroScore.mean(x)`: mean of the non-missing values (NaN when none)."""
mean(x::AbstractVecOrMat; dims::Integer=1) = reduce_to(:ferroscore_mean, Float64, x; dims=dims)
"""`FerroScore.min(x)`: smallest non-missing value (NaN when none)."""
min(x::AbstractVecOrMat; dims::Integer=1) = reduce_to(:ferroscore_min, Float64, x; dims=dims)
"""`FerroScore.max(x)`: largest non-missing value (NaN when none)."""
max(x::AbstractVecOrMat; dims::Integer=1) = reduce_to(:ferroscore_max, Float64, x; dims=dims)
"""`FerroScore.count(x)`: number of non-missing values."""
count(x::AbstractVecOrMat; dims::Integer=1) = Int.(reduce_to(:ferroscore_count, UInt64, x; dims=dims))
"""`FerroScore.var(x; ddof=1)`: variance of the non-missing values."""
var(x::AbstractVecOrMat; ddof::Integer=1, dims::Integer=1) = reduce_to(:ferroscore_var, Float64, x, Csize_t(ddof); dims=dims)
"""`FerroScore.std(x; ddof=1)`: standard deviation of the non-missing values."""
std(x::AbstractVecOrMat; ddof::Integer=1, dims::Integer=1) = reduce_to(:ferroscore_std, Float64, x, Csize_t(ddof); dims=dims)
"""`power_sum(x, p=1.5)`: sum of `v^p` over `v > 0`."""
power_sum(x::AbstractVecOrMat, p::Real=1.5; dims::Integer=1) = reduce_to(:ferroscore_power_sum, Float64, x, Float64(p); dims=dims)
"""`moments(x)`: the mergeable summary `(count, mean, m2, min, max)`; merge with [`merge_moments`](@ref)."""
moments(x::AbstractVector) = reduce_to(:ferroscore_moments, L.FerroscoreMoments, x)

"""`FerroScore.dot(a, b)`: sum of `a*b` over rows where both are present."""
function dot(a::AbstractVector, b::AbstractVector)
    a = dense(a)
    b = convert(Vector{eltype(a)}, b)
    out = Ref{Float64}()
    check(cfun(:ferroscore_dot, eltype(a))(a, length(a), b, length(b), out))
    return out[]
end

"""`merge_moments(a, b)`: the summary of two samples together."""
function merge_moments(a::L.FerroscoreMoments, b::L.FerroscoreMoments)
    out = Ref{L.FerroscoreMoments}()
    check(L.ferroscore_moments_merge(Ref(a), Ref(b), out))
    return out[]
end

"""`moments_var(m; ddof=1)` and `moments_std(m; ddof=1)` of a summary."""
function moments_var(m::L.FerroscoreMoments; ddof::Integer=1)
    out = Ref{Float64}()
    check(L.ferroscore_moments_var(Ref(m), Csize_t(ddof), out))
    return out[]
end
function moments_std(m::L.FerroscoreMoments; ddof::Integer=1)
    out = Ref{Float64}()
    check(L.ferroscore_moments_std(Ref(m), Csize_t(ddof), out))
    return out[]
end

# ------------------------------------------------------------------ groups

codes_suffix(::Type{Int64}) = ""
codes_suffix(::Type{Int32}) = "_i32"

function grouped(name::Symbol, x, groups::AbstractVector{<:Integer}, n_groups::Integer, extra...)
    x = dense(x)
    g = groups isa Union{Vector{Int64},Vector{Int32}} ? groups : Vector{Int64}(groups)
    out = Vector{eltype(x)}(undef, n_groups)
    f = cfun(name, eltype(x), codes_suffix(eltype(g)))
    check(f(x, length(x), g, length(g), extra..., out, length(out)))
    return out
end

for (jl, c) in ((:group_sum, :ferroscore_group_sum), (:group_mean, :ferroscore_group_mean),
    (:group_min, :ferroscore_group_min), (:group_max, :ferroscore_group_max),
    (:group_count, :ferroscore_group_count))
    @eval begin
        """
            $($(string(jl)))(x, groups, n_groups)

        Per-group aggregate; `groups` are codes `0:n_groups-1` (Int64 or Int32),
        a negative code skips the row.
        """
        $jl(x::AbstractVector, groups::AbstractVector{<:Integer}, n_groups::Integer) =
            grouped($(QuoteNode(c)), x, groups, n_groups)
    end
end

"""`group_var(x, groups, n_groups; ddof=1)`: per-group variance."""
group_var(x::AbstractVector, groups::AbstractVector{<:Integer}, n_groups::Integer; ddof::Integer=1) =
    grouped(:ferroscore_group_var, x, groups, n_groups, Csize_t(ddof))
"""`group_std(x, groups, n_groups; ddof=1)`: per-group standard deviation."""
group_std(x::AbstractVector, groups::AbstractVector{<:Integer}, n_groups::Integer; ddof::Integer=1) =
    grouped(:ferroscore_group_std, x, groups, n_groups, Csize_t(ddof))
"""`group_power_sum(x, groups, n_groups; p=1.5)`: per-group sum of `v^p` over `v > 0`."""
group_power_sum(x::AbstractVector, groups::AbstractVector{<:Integer}, n_groups::Integer; p::Real=1.5) =
    grouped(:ferroscore_group_power_sum, x, groups, n_groups, Float64(p))

# ------------------------------------------------------------------ states

"""
Resumable scan states: `update!(state, chunk)` returns the chunk's output;
feeding a series in chunks gives the same bits as one call on the whole.
`copy(state)` continues independently. Memory is freed by a finalizer.
"""
abstract type State end

for (S, C, prefix) in ((:ScoreState, :FerroscoreScoreState, "ferroscore_score_state"),
    (:EwmMeanState, :FerroscoreEwmMeanState, "ferroscore_ewm_mean_state"),
    (:EwmVarState, :FerroscoreEwmVarState, "ferroscore_ewm_var_state"),
    (:RollingState, :FerroscoreRollingState, "ferroscore_rolling_state"),
    (:CumState, :FerroscoreCumState, "ferroscore_cum_state"),
    (:ScanState, :FerroscoreScanState, "ferroscore_scan_state"))
    free = getfield(L, Symbol(prefix, "_free"))
    clone = getfield(L, Symbol(prefix, "_clone"))
    @eval begin
        mutable struct $S <: State
            ptr::Ptr{L.$C}
            function $S(ptr::Ptr{L.$C})
                st = new(ptr)
                finalizer(s -> ($free(s.ptr); s.ptr = C_NULL), st)
                return st
            end
        end
        function Base.copy(s::$S)
            out = Ref{Ptr{L.$C}}(C_NULL)
            check($clone(s.ptr, out))
            return $S(out[])
        end
        update_symbol(::$S) = $(QuoteNode(Symbol(prefix, "_update")))
    end
end

"""`ScoreState(; up=0.9, down=0.5, init=0.0, skipna=true)`: state of [`score_series`](@ref)."""
function ScoreState(; up=0.9, down=0.5, init=0.0, skipna::Bool=true)
    out = Ref{Ptr{L.FerroscoreScoreState}}(C_NULL)
    check(L.ferroscore_score_state_new(Ref(L.FerroscoreScoreOptions(up, down, init, skipna)), out))
    return ScoreState(out[])
end

"""`EwmMeanState(; alpha|span|com|halflife, ...)`: state of [`ewm_mean`](@ref)."""
function EwmMeanState(; alpha=nothing, span=nothing, com=nothing, halflife=nothing,
    adjust::Bool=true, ignore_na::Bool=false, min_periods::Integer=0)
    out = Ref{Ptr{L.FerroscoreEwmMeanState}}(C_NULL)
    o = Ref(ewm_options(alpha, span, com, halflife, adjust, ignore_na, min_periods, false))
    check(L.ferroscore_ewm_mean_state_new(o, out))
    return EwmMeanState(out[])
end

"""`EwmVarState(; std=false, alpha|span|com|halflife, ..., bias=false)`: state of `ewm_var` / `ewm_std`."""
function EwmVarState(; std::Bool=false, alpha=nothing, span=nothing, com=nothing, halflife=nothing,
    adjust::Bool=true, ignore_na::Bool=false, min_periods::Integer=0, bias::Bool=false)
    out = Ref{Ptr{L.FerroscoreEwmVarState}}(C_NULL)
    o = Ref(ewm_options(alpha, span, com, halflife, adjust, ignore_na, min_periods, bias))
    check(L.ferroscore_ewm_var_state_new(o, std, out))
    return EwmVarState(out[])
end

const ROLLING_KINDS = Dict(:sum => L.FERROSCORE_ROLLING_KIND_SUM, :mean => L.FERROSCORE_ROLLING_KIND_MEAN,
    :var => L.FERROSCORE_ROLLING_KIND_VAR, :std => L.FERROSCORE_ROLLING_KIND_STD,
    :zscore => L.FERROSCORE_ROLLING_KIND_ZSCORE, :min => L.FERROSCORE_ROLLING_KIND_MIN,
    :max => L.FERROSCORE_ROLLING_KIND_MAX, :median => L.FERROSCORE_ROLLING_KIND_MEDIAN,
    :quantile => L.FERROSCORE_ROLLING_KIND_QUANTILE)

"""`RollingState(kind, window; q=0.5, interpolation=:linear, min_periods=window, ddof=1, skipna=true)`:
a trailing rolling state; `kind` one of `:sum, :mean, :var, :std, :zscore, :min, :max, :median, :quantile`."""
function RollingState(kind::Symbol, window::Integer; q::Real=0.5, interpolation=:linear,
    min_periods=nothing, ddof::Integer=1, skipna::Bool=true)
    haskey(ROLLING_KINDS, kind) || throw(ArgumentError("unknown rolling kind $kind"))
    out = Ref{Ptr{L.FerroscoreRollingState}}(C_NULL)
    o = Ref(rolling_options(window, min_periods, false, ddof, skipna))
    check(L.ferroscore_rolling_state_new(ROLLING_KINDS[kind], Float64(q), interpolation_code(interpolation), o, out))
    return RollingState(out[])
end

const CUM_KINDS = Dict(:sum => L.FERROSCORE_CUM_KIND_SUM, :max => L.FERROSCORE_CUM_KIND_MAX,
    :min => L.FERROSCORE_CUM_KIND_MIN, :drawdown => L.FERROSCORE_CUM_KIND_DRAWDOWN)

"""`CumState(kind; skipna=true)`: `kind` one of `:sum, :max, :min, :drawdown`."""
function CumState(kind::Symbol; skipna::Bool=true)
    haskey(CUM_KINDS, kind) || throw(ArgumentError("unknown cumulative kind $kind"))
    out = Ref{Ptr{L.FerroscoreCumState}}(C_NULL)
    check(L.ferroscore_cum_state_new(CUM_KINDS[kind], skipna, out))
    return CumState(out[])
end

"""
    update!(state, x; times=nothing)

Feeds the chunk `x` to the state and returns the chunk's output (`times`
only for an `EwmMeanState` made with a half-life).
"""
function update!(s::State, x::AbstractVector; times=nothing)
    x = dense(x)
    out = similar(x)
    if times === nothing
        f = cfun(update_symbol(s), eltype(x))
        check(f(s.ptr, x, length(x), out, length(out)))
    else
        s isa EwmMeanState || throw(ArgumentError("times need an EwmMeanState"))
        t = Vector{Float64}(times)
        f = cfun(:ferroscore_ewm_mean_state_update_times, eltype(x))
        check(f(s.ptr, x, length(x), t, length(t), out, length(out)))
    end
    return out
end

"""`state_value(s)`: the current `s` of a ScoreState or mean of an EwmMeanState."""
function state_value(s::ScoreState)
    out = Ref{Float64}()
    check(L.ferroscore_score_state_value(s.ptr, out))
    return out[]
end
function state_value(s::EwmMeanState)
    out = Ref{Float64}()
    check(L.ferroscore_ewm_mean_state_value(s.ptr, out))
    return out[]
end

# ------------------------------------------------------------------ scan language

"""
    ScanProgram(source; params=(), inputs=["x"], skipna=true)
    compile_scan(source; params=Dict(), inputs=["x"], skipna=true)

Compiles a program of the scan language (docs/scan.md) once; the same source
text gives the same numbers in every ferroscore binding. `params` holds named
constants folded into the program (a `Dict`, a `NamedTuple` such as
`(up=0.9, down=0.5)`, or `name => value` pairs); `inputs` names the input
columns in order (default one input, `x`); `skipna` skips rows where an input
is NaN. A syntax error, an unknown name or a wrong arity throws a
[`FerroScoreError`](@ref) with status `FERROSCORE_STATUS_PARSE_ERROR` whose
message has the line, the column, the source line and a caret:

```julia
julia> compile_scan("if x > s then s * upp + x else s * down"; params=Dict("up" => 0.9, "down" => 0.5))
ERROR: FerroScoreError (FERROSCORE_STATUS_PARSE_ERROR): scan syntax error at line 1, column 19: unknown name `upp` (known: down, i, s, up, x)
  if x > s then s * upp + x else s * down
                    ^
```

The program is immutable (one program may serve many tasks and threads at
once); its memory is freed by a finalizer. `inputs(p)` and `states(p)` give
its input and state names (`init` follows the order of `states(p)`).
"""
mutable struct ScanProgram
    ptr::Ptr{L.FerroscoreScanProgram}
    source::String
    inputs::Vector{String}
    states::Vector{String}
    function ScanProgram(source::AbstractString; inputs=["x"], params=(), skipna::Bool=true)
        ps = params isa NamedTuple ? collect(pairs(params)) : collect(params)
        names = join([string(first(q)) for q in ps], ",")
        values = Float64[Float64(last(q)) for q in ps]
        ins = inputs isa Union{AbstractString,Symbol} ? [string(inputs)] : string.(collect(inputs))
        out = Ref{Ptr{L.FerroscoreScanProgram}}(C_NULL)
        check(L.ferroscore_scan_compile(String(source), join(ins, ","), names, values,
            length(values), skipna, out))
        prog = new(out[], String(source), String[], String[])
        finalizer(q -> (L.ferroscore_scan_free(q.ptr); q.ptr = C_NULL), prog)
        prog.inputs = split_names(report_text(L.ferroscore_scan_input_names, prog.ptr))
        prog.states = split_names(report_text(L.ferroscore_scan_state_names, prog.ptr))
        return prog
    end
end

split_names(s::String) = isempty(s) ? String[] : String.(split(s, ","))

compile_scan(source::AbstractString; params=Dict{String,Float64}(), inputs=["x"], skipna::Bool=true) =
    ScanProgram(source; params=params, inputs=inputs, skipna=skipna)

"""`inputs(p::ScanProgram)`: the input names, in the order of a matrix's columns."""
inputs(p::ScanProgram) = copy(p.inputs)
"""`states(p::ScanProgram)`: the state names, in the order of `init` and `state_values`."""
states(p::ScanProgram) = copy(p.states)

Base.show(io::IO, p::ScanProgram) =
    print(io, "ScanProgram(", repr(p.source), "; inputs=", p.inputs, ", states=", p.states, ")")

init_values(init) = Float64[Float64(v) for v in init]

# one run of the C kernel on the n_rows x n_cols column-major block at `x`
function scan_run!(p::ScanProgram, x::Array{T}, offset::Int, nr::Int, nc::Int, ld::Int,
                   init::Vector{Float64}, out::Array{T}, ooff::Int) where {T<:Floats}
    GC.@preserve x out begin
        px = nr == 0 ? Ptr{T}(C_NULL) : pointer(x, offset)
        po = nr == 0 ? Ptr{T}(C_NULL) : pointer(out, ooff)
        check(cfun(:ferroscore_scan_run, T)(p.ptr, px, nr, nc, 1, ld, init, length(init), po, nr))
    end
    return out
end

"""
    scan(program, x; init=0.0)
    scan(source, x; init=0.0, params=(), inputs=["x"], skipna=true)

Runs a scan program. For a program of one input, `x` is a vector (one
series, returns a vector) or a matrix (each column a series, returns a matrix
of the same size). For a program of several inputs, `x` is a matrix whose
columns are the inputs in the program's order, or a tuple of vectors, or a
`NamedTuple`/`Dict` keyed by input name; it returns one value per row.
`init` is one value per state (in the order of `states(program)`) or one for
all. `Float32` input is computed in `Float64` and rounded back.

```julia
p = compile_scan("if x > s then s * up + x else s * down"; params=Dict("up" => 0.9, "down" => 0.5))
y = scan(p, x)                       # the seed rule; with fma(s, up, x): score_series' bits
ewm = compile_scan("let d = x - m; m = m + a * d; v = (1 - a) * (v + a * d * d); out = sqrt(v)";
                   params=(a=0.1,))
sd = scan(ewm, x; init=[0.0, 0.0])
```
"""
function scan(p::ScanProgram, x::AbstractVector; init=0.0)
    x = dense(x)
    return scan_run!(p, x, 1, length(x), 1, max(length(x), 1), init_values(init), similar(x), 1)
end

function scan(p::ScanProgram, x::AbstractMatrix; init=0.0)
    x = dense(x)
    nr, nc = size(x)
    i = init_values(init)
    ld = max(nr, 1)
    if length(p.inputs) == 1 # each column a series
        out = similar(x)
        for j in 1:nc
            scan_run!(p, x, (j - 1) * nr + 1, nr, 1, ld, i, out, (j - 1) * nr + 1)
        end
        return out
    end
    return scan_run!(p, x, 1, nr, nc, ld, i, Vector{eltype(x)}(undef, nr), 1)
end

scan(p::ScanProgram, cols::Tuple; init=0.0) = scan(p, input_matrix(collect(cols)); init=init)
scan(p::ScanProgram, cols::Union{NamedTuple,AbstractDict}; init=0.0) =
    scan(p, input_matrix([input_column(cols, n) for n in p.inputs]); init=init)

function input_column(cols, name::String)
    for k in keys(cols)
        string(k) == name && return cols[k]
    end
    throw(ArgumentError("no input `$name` among the keys $(collect(keys(cols)))"))
end

function input_matrix(cols::AbstractVector)
    isempty(cols) && throw(ArgumentError("no input columns"))
    T = all(c -> eltype(c) === Float32, cols) ? Float32 : Float64
    n = length(first(cols))
    all(c -> length(c) == n, cols) ||
        throw(ArgumentError("input columns of different lengths: $(length.(cols))"))
    m = Matrix{T}(undef, n, length(cols))
    for (j, c) in enumerate(cols)
        m[:, j] .= c
    end
    return m
end

scan(source::AbstractString, x; init=0.0, params=(), skipna::Bool=true, inputs=["x"]) =
    scan(ScanProgram(source; inputs=inputs, params=params, skipna=skipna), x; init=init)

"""
    ScanState(program; init=0.0)

A resumable run of a [`ScanProgram`](@ref): `update!(state, chunk)` returns
the chunk's output (a vector for one input; a matrix whose columns are the
inputs otherwise), and feeding a series in chunks gives the same bits as one
`scan` over the whole. `state_values(state)` gives the states (in the order of
`states(program)`), `state_value(state)` the last output, `copy(state)` an
independent continuation. The state keeps its program alive.
"""
function ScanState(p::ScanProgram; init=0.0)
    i = init_values(init)
    out = Ref{Ptr{L.FerroscoreScanState}}(C_NULL)
    check(L.ferroscore_scan_state_new(p.ptr, i, length(i), out))
    return ScanState(out[])
end

function update_scan!(s::ScanState, x)
    x = dense(x)
    nr, nc = size(x, 1), size(x, 2)
    out = Vector{eltype(x)}(undef, nr)
    check(cfun(:ferroscore_scan_state_update, eltype(x))(s.ptr, x, nr, nc, 1, max(nr, 1), out, length(out)))
    return out
end
update!(s::ScanState, x::AbstractVector) = update_scan!(s, x)
update!(s::ScanState, x::AbstractMatrix) = update_scan!(s, x)

"""`state_value(s::ScanState)`: the last output; `state_values(s)`: every state."""
function state_value(s::ScanState)
    out = Ref{Float64}()
    check(L.ferroscore_scan_state_last_output(s.ptr, out))
    return out[]
end
function state_values(s::ScanState)
    n = Ref{Csize_t}(0)
    check(L.ferroscore_scan_state_n_states(s.ptr, n))
    out = Vector{Float64}(undef, n[])
    check(L.ferroscore_scan_state_values(s.ptr, out, length(out)))
    return out
end

"""`rows(s::ScanState)`: the rows consumed so far (the next row's `i`)."""
function rows(s::ScanState)
    out = Ref{UInt64}(0)
    check(L.ferroscore_scan_state_rows(s.ptr, out))
    return Int(out[])
end

# ------------------------------------------------------------------ validation

"""
    RuleSet()

Column → rules, in order. Add rules with [`add_rule!`](@ref):
`add_rule!(rs, "price", :in_range, 0, 1e6)`.
"""
mutable struct RuleSet
    ptr::Ptr{L.FerroscoreRuleSet}
    function RuleSet()
        out = Ref{Ptr{L.FerroscoreRuleSet}}(C_NULL)
        check(L.ferroscore_ruleset_new(out))
        rs = new(out[])
        finalizer(r -> (L.ferroscore_ruleset_free(r.ptr); r.ptr = C_NULL), rs)
        return rs
    end
end

"""
    add_rule!(rules, column, rule, args...; kwargs...)

`rule` one of `:not_missing`, `:finite`, `:in_range` (`lo, hi; closed=:both`),
`:in_set` (`values`), `:unique`, `:monotonic` (`; decreasing=false, strict=false`),
`:max_abs_zscore` (`k`), `:no_gaps` (`step`).
"""
function add_rule!(rs::RuleSet, column::AbstractString, rule::Symbol, args...; closed=:both,
    decreasing::Bool=false, strict::Bool=false)
    c = String(column)
    st = if rule === :not_missing
        L.ferroscore_ruleset_add_not_missing(rs.ptr, c)
    elseif rule === :finite
        L.ferroscore_ruleset_add_finite(rs.ptr, c)
    elseif rule === :in_range
        L.ferroscore_ruleset_add_in_range(rs.ptr, c, Float64(args[1]), Float64(args[2]), closed_code(closed))
    elseif rule === :in_set
        v = Vector{Float64}(args[1])
        L.ferroscore_ruleset_add_in_set(rs.ptr, c, v, length(v))
    elseif rule === :unique
        L.ferroscore_ruleset_add_unique(rs.ptr, c)
    elseif rule === :monotonic
        L.ferroscore_ruleset_add_monotonic(rs.ptr, c, decreasing, strict)
    elseif rule === :max_abs_zscore
        L.ferroscore_ruleset_add_max_abs_zscore(rs.ptr, c, Float64(args[1]))
    elseif rule === :no_gaps
        L.ferroscore_ruleset_add_no_gaps(rs.ptr, c, Float64(args[1]))
    else
        throw(ArgumentError("unknown rule $rule"))
    end
    check(st)
    return rs
end

"""
A validation report: `ok`, `n_rows`, and one entry per (column, rule) in
`results`: `(column, rule, n_failed, passed, rows, values)` with 0-based
failing rows (the first `max_failures`).
"""
struct Report
    ok::Bool
    n_rows::Int
    results::Vector{NamedTuple{(:column, :rule, :n_failed, :passed, :rows, :values),
        Tuple{String,String,Int,Bool,Vector{Int},Vector{Float64}}}}
    summary::String
end

Base.show(io::IO, r::Report) = print(io, r.summary)

function report_text(f, args...)
    need = Ref{Csize_t}(0)
    check(f(args..., C_NULL, 0, need))
    buf = Vector{UInt8}(undef, need[] + 1)
    check(f(args..., buf, length(buf), need))
    return String(buf[1:need[]])
end

function column_struct(name::String, v::AbstractVector)
    dt = v isa Vector{Float64} ? L.FERROSCORE_DTYPE_F64 :
         v isa Vector{Float32} ? L.FERROSCORE_DTYPE_F32 :
         v isa Vector{Int64} ? L.FERROSCORE_DTYPE_I64 :
         throw(ArgumentError("column $name: need a Vector of Float64, Float32 or Int64"))
    return L.FerroscoreColumn(pointer(name), dt, Ptr{Cvoid}(pointer(v)), Csize_t(length(v)))
end

"""
    validate(table, rules::RuleSet; max_failures=10) -> Report

`table`: a `Dict` or `NamedTuple` of column name => `Vector{Float64}`,
`Vector{Float32}` or `Vector{Int64}`, all of the same length.
"""
function validate(table, rules::RuleSet; max_failures::Integer=10)
    names = [String(k) for k in keys(table)]
    vals = [table[k] for k in keys(table)]
    rep = Ref{Ptr{L.FerroscoreReport}}(C_NULL)
    GC.@preserve names vals begin
        cols = [column_struct(n, v) for (n, v) in zip(names, vals)]
        check(L.ferroscore_validate(cols, length(cols), rules.ptr, Csize_t(max_failures), rep))
    end
    r = rep[]
    try
        ok = Ref{Bool}(false)
        n = Ref{Csize_t}(0)
        nres = Ref{Csize_t}(0)
        check(L.ferroscore_report_ok(r, ok))
        check(L.ferroscore_report_n_rows(r, n))
        check(L.ferroscore_report_n_results(r, nres))
        results = fieldtype(Report, :results)()
        for i in 0:Int(nres[])-1
            nf = Ref{UInt64}(0)
            passed = Ref{Bool}(true)
            k = Ref{Csize_t}(0)
            check(L.ferroscore_report_n_failed(r, i, nf))
            check(L.ferroscore_report_passed(r, i, passed))
            check(L.ferroscore_report_n_recorded(r, i, k))
            rows = Vector{UInt64}(undef, k[])
            values = Vector{Float64}(undef, k[])
            check(L.ferroscore_report_failed_rows(r, i, rows, length(rows)))
            check(L.ferroscore_report_failed_values(r, i, values, length(values)))
            push!(results, (column=report_text(L.ferroscore_report_column, r, i),
                rule=report_text(L.ferroscore_report_rule, r, i), n_failed=Int(nf[]),
                passed=passed[], rows=Int.(rows), values=values))
        end
        return Report(ok[], Int(n[]), results, report_text(L.ferroscore_report_summary, r))
    finally
        L.ferroscore_report_free(r)
    end
end

end # module
