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
module ferroscore
  use, intrinsic :: iso_c_binding
  use ferroscore_capi
  implicit none
  public

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

end module ferroscore
