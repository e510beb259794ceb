! Runs every case of the shared test vectors (tests/vectors/cases.tsv)
! through the Fortran module `ferroscore` (its generic wrappers, real64 or
! real32 as the case says) and checks the values with the case's
! tolerances; then checks a few statuses, a state handle and a validation
! report through the module.
!
! usage: test_vectors_f90 <tests/vectors dir>

module vec_opts
  implicit none
contains
  ! value of key in "k=v,k=v" ("" when absent)
  function lookup(o, key) result(v)
    character(len=*), intent(in) :: o, key
    character(len=:), allocatable :: v
    integer :: i, j, k
    v = ""
    i = 1
    do while (i <= len_trim(o))
      j = index(o(i:), ",")
      if (j == 0) then
        j = len_trim(o) + 1
      else
        j = i + j - 1
      end if
      k = index(o(i:j - 1), "=")
      if (k > 0) then
        if (o(i:i + k - 2) == key) then
          v = o(i + k:j - 1)
          return
        end if
      end if
      i = j + 1
    end do
  end function lookup

  function getf(o, key, d) result(r)
    character(len=*), intent(in) :: o, key
    double precision, intent(in) :: d
    double precision :: r
    character(len=:), allocatable :: v
    v = lookup(o, key)
    r = d
    if (len(v) > 0) read (v, *) r
  end function getf

  function geti(o, key, d) result(r)
    character(len=*), intent(in) :: o, key
    integer, intent(in) :: d
    integer :: r
    character(len=:), allocatable :: v
    v = lookup(o, key)
    r = d
    if (len(v) > 0) read (v, *) r
  end function geti

  function getb(o, key, d) result(r)
    character(len=*), intent(in) :: o, key
    logical, intent(in) :: d
    logical :: r
    character(len=:), allocatable :: v
    v = lookup(o, key)
    r = d
    if (len(v) > 0) r = v == "true"
  end function getb

  function gets(o, key, d) result(r)
    character(len=*), intent(in) :: o, key, d
    character(len=:), allocatable :: r
    r = lookup(o, key)
    if (len(r) == 0) r = d
  end function gets
end module vec_opts

module run64
  use, intrinsic :: iso_c_binding
  use, intrinsic :: ieee_arithmetic
  use ferroscore
  use vec_opts
  implicit none
  integer, parameter :: wp = c_double
contains
  include "vectors_run.inc"
end module run64

module run32
  use, intrinsic :: iso_c_binding
  use, intrinsic :: ieee_arithmetic
  use ferroscore
  use vec_opts
  implicit none
  integer, parameter :: wp = c_float
contains
  include "vectors_run.inc"
end module run32

program test_vectors
  use, intrinsic :: iso_c_binding
  use, intrinsic :: ieee_arithmetic
  use ferroscore
  use run64, only: run64_run => run
  use run32, only: run32_run => run
  implicit none
  character(len=4096) :: dir, line
  character(len=256) :: id, kernel, dtype
  character(len=2048) :: o
  double precision :: rtol, atol
  double precision, allocatable :: xin(:, :), expv(:, :), got(:)
  integer :: u, ios, n_cases, n_fail, ngot, i, t(5), nr, nc
  integer(c_int32_t) :: status
  logical :: bad

  call get_command_argument(1, dir)
  if (len_trim(dir) == 0) dir = "tests/vectors"
  open (newunit=u, file=trim(dir)//"/cases.tsv", status="old", action="read")
  read (u, '(a)') line ! header
  n_cases = 0
  n_fail = 0
  do
    read (u, '(a)', iostat=ios) line
    if (ios /= 0) exit
    if (len_trim(line) == 0) cycle
    ! split on tabs
    t(1) = index(line, char(9))
    t(2) = t(1) + index(line(t(1) + 1:), char(9))
    t(3) = t(2) + index(line(t(2) + 1:), char(9))
    t(4) = t(3) + index(line(t(3) + 1:), char(9))
    id = line(1:t(1) - 1)
    kernel = line(t(1) + 1:t(2) - 1)
    dtype = line(t(2) + 1:t(3) - 1)
    o = line(t(3) + 1:t(4) - 1)
    if (trim(o) == "-") o = ""
    read (line(t(4) + 1:), *) rtol, atol
    call read_matrix(trim(dir)//"/"//trim(id)//".in", xin, nr, nc)
    call read_matrix(trim(dir)//"/"//trim(id)//".out", expv, nr, nc)
    allocate (got(size(xin, 1) + size(expv, 1) + 1))
    if (size(xin, 2) > 1) then
      call dispatch(xin(:, 1), xin(:, 2), .true.)
    else
      call dispatch(xin(:, 1), xin(:, 1), .false.)
    end if
    n_cases = n_cases + 1
    bad = .false.
    if (status /= FERROSCORE_STATUS_OK) then
      print '(5a)', "FAIL ", trim(id), ": ", fs_status_name(status), " "//fs_last_error_message()
      bad = .true.
    else if (ngot /= size(expv, 1)) then
      print '(3a,2i8)', "FAIL ", trim(id), ": lengths", ngot, size(expv, 1)
      bad = .true.
    else
      do i = 1, ngot
        if (.not. close_enough(got(i), expv(i, 1), rtol, atol)) then
          print '(3a,i6,2es26.17)', "FAIL ", trim(id), " row", i - 1, got(i), expv(i, 1)
          bad = .true.
          exit
        end if
      end do
    end if
    if (bad) n_fail = n_fail + 1
    deallocate (got, xin, expv)
  end do
  close (u)

  call api_checks(n_fail)
  call scan_checks(n_fail)

  print '(a,i0,a,i0,a)', "test_vectors_f90: ", n_cases, " cases, ", n_fail, " failures"
  if (n_fail /= 0 .or. n_cases < 400) stop 1

contains

  subroutine dispatch(x, col2, has2)
    double precision, intent(in) :: x(:), col2(:)
    logical, intent(in) :: has2
    if (trim(dtype) == "f32") then
      call run32_run(trim(kernel), trim(o), x, col2, has2, got, ngot, status)
    else
      call run64_run(trim(kernel), trim(o), x, col2, has2, got, ngot, status)
    end if
  end subroutine dispatch

  logical function close_enough(g, e, rt, at)
    double precision, intent(in) :: g, e, rt, at
    if (ieee_is_nan(e)) then
      close_enough = ieee_is_nan(g)
    else if (.not. ieee_is_finite(e)) then
      close_enough = g == e
    else
      close_enough = abs(g - e) <= at + rt*abs(e)
    end if
  end function close_enough

  subroutine read_matrix(path, m, rows, cols)
    character(len=*), intent(in) :: path
    double precision, allocatable, intent(out) :: m(:, :)
    integer, intent(out) :: rows, cols
    integer :: v, r
    open (newunit=v, file=path, status="old", action="read")
    read (v, *) rows, cols
    allocate (m(rows, cols))
    do r = 1, rows
      read (v, *) m(r, :)
    end do
    close (v)
  end subroutine read_matrix

  subroutine expect(st, want, what, nf)
    integer(c_int32_t), intent(in) :: st, want
    character(len=*), intent(in) :: what
    integer, intent(inout) :: nf
    if (st /= want) then
      print '(5a)', "FAIL ", what, ": got ", fs_status_name(st), " "//fs_last_error_message()
      nf = nf + 1
    end if
  end subroutine expect

  ! the scan language through the friendly wrappers fs_scan_*
  subroutine scan_checks(nf)
    use, intrinsic :: ieee_arithmetic
    integer, intent(inout) :: nf
    integer, parameter :: n = 1000
    real(c_double) :: x(n), y(n), a(n), b(n), c(n), xy(n, 2), s, mv(2)
    real(c_float) :: xf(n), af(n), bf(n)
    type(ferroscore_score_options) :: so
    type(c_ptr) :: prog, st
    integer :: i
    character(len=:), allocatable :: msg

    do i = 1, n
      x(i) = 3*sin(0.7d0*i)
      if (mod(i, 11) == 0) x(i) = ieee_value(1d0, ieee_quiet_nan)
      y(i) = cos(0.3d0*i)
    end do
    xf = real(x, c_float)

    ! the seed rule with fma gives fs_score_series' bits (f64 and f32)
    call expect(fs_scan_compile("if x > s then fma(s, up, x) else s * down", prog, &
                param_names="up, down", param_values=[0.9d0, 0.5d0]), FERROSCORE_STATUS_OK, &
                "fs_scan_compile", nf)
    so = ferroscore_score_options_default()
    so%init = 0.25d0
    call expect(fs_score_series(x, so, a), FERROSCORE_STATUS_OK, "score", nf)
    call expect(fs_scan_run(prog, x, [0.25d0], b), FERROSCORE_STATUS_OK, "fs_scan_run", nf)
    if (any(transfer(a, 1_c_int64_t, n) /= transfer(b, 1_c_int64_t, n))) then
      print '(a)', "FAIL fs_scan_run of the seed rule with fma differs from fs_score_series"
      nf = nf + 1
    end if
    call expect(fs_score_series(xf, so, af), FERROSCORE_STATUS_OK, "score f32", nf)
    call expect(fs_scan_run(prog, xf, [0.25d0], bf), FERROSCORE_STATUS_OK, "fs_scan_run f32", nf)
    if (any(af /= bf)) then
      print '(a)', "FAIL f32 fs_scan_run differs from fs_score_series"
      nf = nf + 1
    end if
    ! a state in chunks (one of them empty) equals the one-shot run
    call expect(fs_scan_state_new(prog, [0.25d0], st), FERROSCORE_STATUS_OK, "state new", nf)
    call expect(fs_scan_state_update(st, x(1:123), c(1:123)), FERROSCORE_STATUS_OK, "chunk 1", nf)
    call expect(fs_scan_state_update(st, x(124:123), c(124:123)), FERROSCORE_STATUS_OK, "chunk 2", nf)
    call expect(fs_scan_state_update(st, x(124:), c(124:)), FERROSCORE_STATUS_OK, "chunk 3", nf)
    call expect(fs_scan_state_values(st, mv(1:1)), FERROSCORE_STATUS_OK, "state values", nf)
    if (any(c /= a) .or. mv(1) /= a(n)) then
      print '(a)', "FAIL chunked scan state"
      nf = nf + 1
    end if
    call fs_scan_state_free(st)
    call fs_scan_free(prog)
    if (c_associated(prog) .or. c_associated(st)) nf = nf + 1
    call fs_scan_free(prog) ! a null handle is fine

    ! the seed text as written rounds like a Fortran loop
    call expect(fs_scan_compile("if x > s then s * up + x else s * down", prog, &
                param_names="up,down", param_values=[0.9d0, 0.5d0]), FERROSCORE_STATUS_OK, &
                "compile plain", nf)
    call expect(fs_scan_run(prog, x, [0d0], b), FERROSCORE_STATUS_OK, "run plain", nf)
    s = 0
    do i = 1, n
      if (.not. ieee_is_nan(x(i))) then
        if (x(i) > s) then
          s = s*0.9d0 + x(i)
        else
          s = s*0.5d0
        end if
      end if
      c(i) = s
    end do
    if (any(b /= c)) then
      print '(a)', "FAIL the seed text differs from the Fortran loop"
      nf = nf + 1
    end if
    call expect(fs_scan_run(prog, x, [0d0, 1d0], b), FERROSCORE_STATUS_LENGTH_MISMATCH, "init", nf)
    call expect(fs_scan_run(prog, x, [0d0], b(1:n - 1)), FERROSCORE_STATUS_LENGTH_MISMATCH, "out", nf)
    call fs_scan_free(prog)

    ! parse errors: the status, the line and column, a caret; no program
    call expect(fs_scan_compile("if x > s then s * upp + x else s * down", prog, &
                param_names="up, down", param_values=[0.9d0, 0.5d0]), FERROSCORE_STATUS_PARSE_ERROR, &
                "unknown name", nf)
    msg = fs_last_error_message()
    if (index(msg, "line 1, column 19") == 0 .or. index(msg, "unknown name `upp`") == 0 .or. &
        index(msg, "^") == 0 .or. c_associated(prog)) then
      print '(a)', "FAIL parse error message: "//msg
      nf = nf + 1
    end if
    ! the caret stands under column 19 of the echoed source line
    if (index(msg, "^", back=.true.) - index(msg, new_line("a"), back=.true.) /= &
        index(msg, "if x > s then") - index(msg(:index(msg, "if x > s then")), new_line("a"), &
        back=.true.) + 18) then
      print '(a)', "FAIL caret position: "//msg
      nf = nf + 1
    end if
    call expect(fs_scan_compile("m = m + x" // new_line("a") // "v = v + * x", prog), &
                FERROSCORE_STATUS_PARSE_ERROR, "line 2", nf)
    if (index(fs_last_error_message(), "line 2, column 9") == 0) nf = nf + 1
    call expect(fs_scan_compile("s + x", prog, param_names="up"), FERROSCORE_STATUS_LENGTH_MISMATCH, &
                "params without values", nf)

    ! two named inputs as the columns of a matrix; several states; skipna
    xy(:, 1) = x
    xy(:, 2) = y
    call expect(fs_scan_compile("lo = min(lo, x - y); hi = max(hi, x - y); out = hi - lo", prog, &
                inputs="x, y", skipna=.false.), FERROSCORE_STATUS_OK, "two inputs", nf)
    if (fs_scan_state_names(prog, status=i) /= "lo,hi") nf = nf + 1
    call expect(fs_scan_run(prog, xy, [0d0], a), FERROSCORE_STATUS_OK, "matrix run", nf)
    if (.not. ieee_is_nan(a(11)) .or. a(10) /= max(0d0, maxval(x(1:10) - y(1:10))) - min(0d0, minval(x(1:10) - y(1:10)))) then
      print '(a)', "FAIL two-input scan"
      nf = nf + 1
    end if
    call expect(fs_scan_run(prog, x, [0d0], a), FERROSCORE_STATUS_LENGTH_MISMATCH, "one of two inputs", nf)
    call fs_scan_free(prog)
  end subroutine scan_checks

  ! statuses, a state handle and a report through the module
  subroutine api_checks(nf)
    integer, intent(inout) :: nf
    real(c_double) :: x(6) = [1d0, 2d0, 3d0, 4d0, 5d0, 6d0], out(6), a(6), s
    real(c_float) :: xf(3) = [1.0, 2.0, 3.0], of(3)
    real(c_double) :: m(6, 2), mo(6, 2), mt(2, 6), mto(2, 6), sums(2)
    integer(c_int32_t) :: g(6) = [0, 1, 0, 1, 2, -1]
    type(ferroscore_rolling_options) :: ro
    type(ferroscore_score_options) :: so
    type(c_ptr) :: st, rules, rep, prog
    type(ferroscore_column) :: cols(1)
    character(kind=c_char, len=6), target :: name = "price" // c_null_char
    real(c_double), target :: price(4) = [1d0, -1d0, 3d0, 1d6]
    integer(c_int64_t) :: nfailed
    logical(c_bool) :: ok
    character(len=:), allocatable :: txt

    if (fs_version() /= "0.1.0" .and. len(fs_version()) == 0) nf = nf + 1
    ro = ferroscore_rolling_options_default(0_c_size_t)
    call expect(fs_rolling_mean(x, ro, out), FERROSCORE_STATUS_INVALID_ARGUMENT, "window 0", nf)
    if (index(fs_last_error_message(), "`window`: must be >= 1, got 0") == 0) then
      print '(a)', "FAIL message: "//fs_last_error_message()
      nf = nf + 1
    end if
    ro = ferroscore_rolling_options_default(2_c_size_t)
    call expect(fs_rolling_mean(x, ro, out(1:5)), FERROSCORE_STATUS_LENGTH_MISMATCH, "out length", nf)
    call expect(fs_rolling_sum(xf, ro, of), FERROSCORE_STATUS_OK, "f32 rolling", nf)
    if (of(3) /= 5.0) nf = nf + 1
    call expect(fs_group_sum(x, g, out(1:3)), FERROSCORE_STATUS_OK, "i32 groups", nf)
    if (any(out(1:3) /= [4d0, 6d0, 5d0])) nf = nf + 1
    call expect(fs_group_sum(x, g, out(1:2)), FERROSCORE_STATUS_GROUP_OUT_OF_RANGE, "group range", nf)
    call expect(fs_dot(x, x(1:5), s), FERROSCORE_STATUS_LENGTH_MISMATCH, "dot lengths", nf)
    call expect(ferroscore_test_internal_panic(), FERROSCORE_STATUS_INTERNAL_ERROR, "panic", nf)

    ! 2-D: each column of a matrix (axis 0), and each row (axis 1), is a series
    m(:, 1) = x
    m(:, 2) = x(6:1:-1)
    call expect(fs_rolling_sum(m, 0, ro, mo), FERROSCORE_STATUS_OK, "2-D axis 0", nf)
    call expect(fs_rolling_sum(x(6:1:-1), ro, out), FERROSCORE_STATUS_OK, "column", nf)
    if (any(mo(2:, 2) /= out(2:))) then
      print '(a)', "FAIL 2-D column differs"
      nf = nf + 1
    end if
    mt = transpose(m)
    call expect(fs_rolling_sum(mt, 1, ro, mto), FERROSCORE_STATUS_OK, "2-D axis 1", nf)
    if (any(mto(2, 2:) /= out(2:))) then
      print '(a)', "FAIL 2-D row differs"
      nf = nf + 1
    end if
    call expect(fs_sum(m, 0, sums), FERROSCORE_STATUS_OK, "2-D sum", nf)
    if (any(sums /= 21d0)) nf = nf + 1
    call expect(fs_rolling_sum(m, 0, ro, mto), FERROSCORE_STATUS_LENGTH_MISMATCH, "2-D shape", nf)
    call expect(fs_rolling_sum(m(1:6:2, :), 0, ro, mo(1:3, :)), FERROSCORE_STATUS_OK, "section", nf)

    ! the scan language: the seed rule as text gives score_series' bits
    so = ferroscore_score_options_default()
    call expect(ferroscore_scan_compile(fs_cstr("if x > s then fma(s, up, x) else s * down"), &
                fs_cstr(""), fs_cstr("up, down"), [0.9d0, 0.5d0], 2_c_size_t, logical(.true., c_bool), &
                prog), FERROSCORE_STATUS_OK, "scan compile", nf)
    call expect(fs_scan_run(prog, reshape(x, [6, 1]), [0d0], a), FERROSCORE_STATUS_OK, "scan run", nf)
    call expect(fs_score_series(x, so, out), FERROSCORE_STATUS_OK, "score", nf)
    if (any(a /= out)) then
      print '(a)', "FAIL scan differs from score_series"
      nf = nf + 1
    end if
    call ferroscore_scan_free(prog)
    call expect(ferroscore_scan_compile(fs_cstr("s +"), fs_cstr(""), fs_cstr(""), [0d0], 0_c_size_t, &
                logical(.true., c_bool), prog), FERROSCORE_STATUS_PARSE_ERROR, "parse error", nf)
    if (index(fs_last_error_message(), "line 1, column") == 0) nf = nf + 1

    ! a state fed in two chunks equals the one-shot call
    so = ferroscore_score_options_default()
    call expect(ferroscore_score_state_new(so, st), FERROSCORE_STATUS_OK, "state new", nf)
    call expect(fs_score_state_update(st, x(1:2), a(1:2)), FERROSCORE_STATUS_OK, "update 1", nf)
    call expect(fs_score_state_update(st, x(3:6), a(3:6)), FERROSCORE_STATUS_OK, "update 2", nf)
    call ferroscore_score_state_free(st)
    call expect(fs_score_series(x, so, out), FERROSCORE_STATUS_OK, "score", nf)
    if (any(a /= out)) then
      print '(a)', "FAIL chunked state"
      nf = nf + 1
    end if
    call ferroscore_score_state_free(c_null_ptr)

    ! validation: in_range(price, 0, 100) fails rows 1 and 3
    call expect(ferroscore_ruleset_new(rules), FERROSCORE_STATUS_OK, "ruleset", nf)
    call expect(ferroscore_ruleset_add_in_range(rules, fs_cstr("price"), 0d0, 100d0, &
                FERROSCORE_CLOSED_BOTH), FERROSCORE_STATUS_OK, "add rule", nf)
    cols(1) = ferroscore_column(c_loc(name), FERROSCORE_DTYPE_F64, c_loc(price), 4_c_size_t)
    call expect(ferroscore_validate(cols, 1_c_size_t, rules, 10_c_size_t, rep), &
                FERROSCORE_STATUS_OK, "validate", nf)
    call expect(ferroscore_report_ok(rep, ok), FERROSCORE_STATUS_OK, "ok", nf)
    call expect(ferroscore_report_n_failed(rep, 0_c_size_t, nfailed), FERROSCORE_STATUS_OK, "n_failed", nf)
    if (ok .or. nfailed /= 2) nf = nf + 1
    txt = fs_report_rule(rep, 0, status)
    if (txt /= "in_range(0, 100, closed=both)") then
      print '(a)', "FAIL rule text: "//txt
      nf = nf + 1
    end if
    txt = fs_report_column(rep, 5, status)
    call expect(status, FERROSCORE_STATUS_INVALID_ARGUMENT, "bad index", nf)
    txt = fs_report_summary(rep, status)
    if (index(txt, "validation FAILED: 4 rows, 1 checks") == 0) nf = nf + 1
    call ferroscore_report_free(rep)
    call ferroscore_ruleset_free(rules)
  end subroutine api_checks

end program test_vectors
