!> ferroscore for Fortran: `use ferroscore`.
!>
!> Everything of the C ABI (module ferroscore_capi, generated from the
!> header): the bind(C) interfaces `ferroscore_*`, the option types
!> (`ferroscore_score_options`, ...) with their default initializers
!> (`ferroscore_rolling_options_default(window)`, ...), the status constants
!> (`FERROSCORE_STATUS_OK`, ...), and friendly generic wrappers `fs_<kernel>`
!> on assumed-shape real64 / real32 arrays that return the status:
!>
!>     status = fs_rolling_mean(x, opts, out)          ! size(out) == size(x)
!>     status = fs_power_sum(x, 1.5d0, total)
!>     status = fs_group_sum(x, codes, out)            ! size(out) == n_groups
!>
!> plus the string helpers below. A nonzero status means failure; then
!> fs_last_error_message() tells why.
!>
!> The scan language (docs/scan.md): compile a program once, run it on
!> vectors (one input) or matrices (column j is input j), free it:
!>
!>     type(c_ptr) :: prog
!>     status = fs_scan_compile("if x > s then s * up + x else s * down", prog, &
!>                              param_names="up, down", param_values=[0.9d0, 0.5d0])
!>     status = fs_scan_run(prog, x, [0d0], out)      ! init: one per state, or one
!>     call fs_scan_free(prog)
module ferroscore
  use, intrinsic :: iso_c_binding
  use ferroscore_capi
  implicit none
  public

  ! One input as a vector; these join the generated matrix forms (column j
  ! is input j) under the same generic names.
  interface fs_scan_run
    module procedure fs_scan_run_vec_f64, fs_scan_run_vec_f32
  end interface fs_scan_run
  interface fs_scan_state_update
    module procedure fs_scan_state_update_vec_f64, fs_scan_state_update_vec_f32
  end interface fs_scan_state_update

contains

  !> A Fortran string from a NUL-terminated C string (NULL gives "").
  function fs_c_string(p) result(s)
    type(c_ptr), intent(in) :: p
    character(len=:), allocatable :: s
    character(kind=c_char), pointer :: chars(:)
    integer :: n
    interface
      function strlen(str) bind(C, name="strlen")
        import :: c_ptr, c_size_t
        type(c_ptr), value :: str
        integer(c_size_t) :: strlen
      end function strlen
    end interface
    if (.not. c_associated(p)) then
      s = ""
      return
    end if
    n = int(strlen(p))
    call c_f_pointer(p, chars, [n])
    s = transfer(chars(1:n), repeat(" ", n))
  end function fs_c_string

  !> A C string (NUL-terminated) from a Fortran string, for name arguments.
  function fs_cstr(s) result(c)
    character(len=*), intent(in) :: s
    character(kind=c_char, len=len(s) + 1) :: c
    c = s // c_null_char
  end function fs_cstr

  !> The library version, e.g. "0.1.0".
  function fs_version() result(s)
    character(len=:), allocatable :: s
    s = fs_c_string(ferroscore_version())
  end function fs_version

  !> The name of a status code, e.g. "FERROSCORE_STATUS_LENGTH_MISMATCH".
  function fs_status_name(status) result(s)
    integer(c_int32_t), intent(in) :: status
    character(len=:), allocatable :: s
    s = fs_c_string(ferroscore_status_name(status))
  end function fs_status_name

  !> The message of this thread's last failed call.
  function fs_last_error_message() result(s)
    character(len=:), allocatable :: s
    character(kind=c_char), allocatable :: buf(:)
    character(kind=c_char) :: none(1)
    integer(c_size_t) :: n
    n = ferroscore_last_error_message(none, 0_c_size_t)
    allocate(buf(n + 1))
    n = ferroscore_last_error_message(buf, n + 1)
    s = transfer(buf(1:n), repeat(" ", int(n)))
  end function fs_last_error_message

  !> The text a report getter writes (column name, rule, summary), sized by
  !> asking for the length first. `which`: 1 column, 2 rule, 3 summary.
  function report_text(report, index, which, status) result(s)
    type(c_ptr), intent(in) :: report
    integer, intent(in) :: index, which
    integer(c_int32_t), intent(out) :: status
    character(len=:), allocatable :: s
    character(kind=c_char), allocatable :: buf(:)
    character(kind=c_char) :: none(1)
    integer(c_size_t) :: need, got, i
    need = 0
    i = int(index, c_size_t)
    select case (which)
    case (1)
      status = ferroscore_report_column(report, i, none, 0_c_size_t, need)
    case (2)
      status = ferroscore_report_rule(report, i, none, 0_c_size_t, need)
    case default
      status = ferroscore_report_summary(report, none, 0_c_size_t, need)
    end select
    s = ""
    if (status /= FERROSCORE_STATUS_OK) return
    allocate(buf(need + 1))
    select case (which)
    case (1)
      status = ferroscore_report_column(report, i, buf, need + 1, got)
    case (2)
      status = ferroscore_report_rule(report, i, buf, need + 1, got)
    case default
      status = ferroscore_report_summary(report, buf, need + 1, got)
    end select
    if (status == FERROSCORE_STATUS_OK) s = transfer(buf(1:need), repeat(" ", int(need)))
  end function report_text

  !> The column name of result `index` (0-based) of a report.
  function fs_report_column(report, index, status) result(s)
    type(c_ptr), intent(in) :: report
    integer, intent(in) :: index
    integer(c_int32_t), intent(out) :: status
    character(len=:), allocatable :: s
    s = report_text(report, index, 1, status)
  end function fs_report_column

  !> The rule of result `index` (0-based) as text.
  function fs_report_rule(report, index, status) result(s)
    type(c_ptr), intent(in) :: report
    integer, intent(in) :: index
    integer(c_int32_t), intent(out) :: status
    character(len=:), allocatable :: s
    s = report_text(report, index, 2, status)
  end function fs_report_rule

  !> The whole report as readable text.
  function fs_report_summary(report, status) result(s)
    type(c_ptr), intent(in) :: report
    integer(c_int32_t), intent(out) :: status
    character(len=:), allocatable :: s
    s = report_text(report, 0, 3, status)
  end function fs_report_summary

  !> Compiles a program of the scan language into `program` (free it with
  !> fs_scan_free; c_null_ptr on failure). `param_names`: comma-separated
  !> names of constants with their `param_values`; `inputs`: comma-separated
  !> input names in the order of a matrix's columns (default one input, x);
  !> `skipna` (default .true.) skips rows where an input is NaN. A syntax
  !> error, an unknown name or a wrong arity is FERROSCORE_STATUS_PARSE_ERROR;
  !> fs_last_error_message() then has the line, the column and a caret.
  function fs_scan_compile(source, program, param_names, param_values, inputs, skipna) &
      result(status)
    character(len=*), intent(in) :: source
    type(c_ptr), intent(out) :: program
    character(len=*), intent(in), optional :: param_names, inputs
    real(c_double), intent(in), optional :: param_values(:)
    logical, intent(in), optional :: skipna
    integer(c_int32_t) :: status
    real(c_double) :: none(1)
    logical(c_bool) :: skip
    program = c_null_ptr
    skip = .true.
    if (present(skipna)) skip = logical(skipna, c_bool)
    none = 0
    if (present(param_values)) then
      status = ferroscore_scan_compile(fs_cstr(source), fs_cstr(opt_text(inputs)), &
          fs_cstr(opt_text(param_names)), param_values, size(param_values, kind=c_size_t), &
          skip, program)
    else
      status = ferroscore_scan_compile(fs_cstr(source), fs_cstr(opt_text(inputs)), &
          fs_cstr(opt_text(param_names)), none, 0_c_size_t, skip, program)
    end if
  end function fs_scan_compile

  !> An optional text argument, or "".
  function opt_text(s) result(t)
    character(len=*), intent(in), optional :: s
    character(len=:), allocatable :: t
    t = ""
    if (present(s)) t = s
  end function opt_text

  !> Frees a program and nullifies the handle (a null handle is fine).
  subroutine fs_scan_free(program)
    type(c_ptr), intent(inout) :: program
    call ferroscore_scan_free(program)
    program = c_null_ptr
  end subroutine fs_scan_free

  !> A resumable state of `program` from `init` (one value per state, or
  !> one for all); feed it with fs_scan_state_update, free it with
  !> fs_scan_state_free. The state keeps the program alive.
  function fs_scan_state_new(program, init, state) result(status)
    type(c_ptr), intent(in) :: program
    real(c_double), intent(in) :: init(:)
    type(c_ptr), intent(out) :: state
    integer(c_int32_t) :: status
    state = c_null_ptr
    status = ferroscore_scan_state_new(program, init, size(init, kind=c_size_t), state)
  end function fs_scan_state_new

  !> Frees a scan state and nullifies the handle.
  subroutine fs_scan_state_free(state)
    type(c_ptr), intent(inout) :: state
    call ferroscore_scan_state_free(state)
    state = c_null_ptr
  end subroutine fs_scan_state_free

  !> The current states of a scan state (in the order of fs_scan_state_names).
  function fs_scan_state_values(state, values) result(status)
    type(c_ptr), intent(in) :: state
    real(c_double), intent(inout) :: values(:)
    integer(c_int32_t) :: status
    status = ferroscore_scan_state_values(state, values, size(values, kind=c_size_t))
  end function fs_scan_state_values

  !> The state names of a program, comma-separated ("s", or the names it assigns).
  function fs_scan_state_names(program, status) result(s)
    type(c_ptr), intent(in) :: program
    integer(c_int32_t), intent(out) :: status
    character(len=:), allocatable :: s
    character(kind=c_char), allocatable :: buf(:)
    character(kind=c_char) :: none(1)
    integer(c_size_t) :: need, got
    s = ""
    need = 0
    status = ferroscore_scan_state_names(program, none, 0_c_size_t, need)
    if (status /= FERROSCORE_STATUS_OK .and. status /= FERROSCORE_STATUS_BUFFER_TOO_SMALL) return
    allocate(buf(need + 1))
    status = ferroscore_scan_state_names(program, buf, need + 1, got)
    if (status == FERROSCORE_STATUS_OK) s = transfer(buf(1:need), repeat(" ", int(need)))
  end function fs_scan_state_names

  function fs_scan_run_vec_f64(program, x, init, out) result(status)
    type(c_ptr), intent(in) :: program
    real(c_double), intent(in) :: x(:)
    real(c_double), intent(in) :: init(:)
    real(c_double), intent(inout) :: out(:)
    integer(c_int32_t) :: status
    status = ferroscore_scan_run_f64(program, x, size(x, kind=c_size_t), 1_c_size_t, &
        1_c_size_t, size(x, kind=c_size_t), init, size(init, kind=c_size_t), out, &
        size(out, kind=c_size_t))
  end function fs_scan_run_vec_f64

  function fs_scan_run_vec_f32(program, x, init, out) result(status)
    type(c_ptr), intent(in) :: program
    real(c_float), intent(in) :: x(:)
    real(c_double), intent(in) :: init(:)
    real(c_float), intent(inout) :: out(:)
    integer(c_int32_t) :: status
    status = ferroscore_scan_run_f32(program, x, size(x, kind=c_size_t), 1_c_size_t, &
        1_c_size_t, size(x, kind=c_size_t), init, size(init, kind=c_size_t), out, &
        size(out, kind=c_size_t))
  end function fs_scan_run_vec_f32

  function fs_scan_state_update_vec_f64(state, x, out) result(status)
    type(c_ptr), intent(in) :: state
    real(c_double), intent(in) :: x(:)
    real(c_double), intent(inout) :: out(:)
    integer(c_int32_t) :: status
    status = ferroscore_scan_state_update_f64(state, x, size(x, kind=c_size_t), 1_c_size_t, &
        1_c_size_t, size(x, kind=c_size_t), out, size(out, kind=c_size_t))
  end function fs_scan_state_update_vec_f64

  function fs_scan_state_update_vec_f32(state, x, out) result(status)
    type(c_ptr), intent(in) :: state
    real(c_float), intent(in) :: x(:)
    real(c_float), intent(inout) :: out(:)
    integer(c_int32_t) :: status
    status = ferroscore_scan_state_update_f32(state, x, size(x, kind=c_size_t), 1_c_size_t, &
        1_c_size_t, size(x, kind=c_size_t), out, size(out, kind=c_size_t))
  end function fs_scan_state_update_vec_f32

end module ferroscore
