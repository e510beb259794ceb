! The seed workload from Fortran: score_series and power_sum on 10 million
! values (1% missing) through module ferroscore, timed against plain loops;
! and the same rule written in the scan language (compiled once by the core).
!
!   make demo-c   (or: gfortran -O2 -J mod ferroscore_capi.f90 ferroscore.f90 quickstart.f90 -lferroscore)
!   usage: quickstart_f90 [n]
program quickstart
  use, intrinsic :: iso_c_binding
  use, intrinsic :: ieee_arithmetic
  use ferroscore
  implicit none
  integer(c_int64_t) :: n, i
  real(c_double), allocatable :: x(:), out(:), ref(:), sc(:)
  type(ferroscore_score_options) :: opts
  real(c_double) :: p, pc, s, t_score, t_loop, t_pow, t_fpow, t0, max_diff, t_scan, t_compile
  type(c_ptr) :: prog, q
  integer :: r
  character(len=32) :: arg

  n = 10000000
  if (command_argument_count() > 0) then
    call get_command_argument(1, arg)
    read (arg, *) n
  end if
  allocate (x(n), out(n), ref(n), sc(n))
  call series(x)
  opts = ferroscore_score_options_default()

  ! the seed rule as text, compiled once (best of 1000 compiles)
  t_compile = huge(1d0)
  prog = c_null_ptr
  do r = 1, 1000
    t0 = now()
    call check(fs_scan_compile("if x > s then s * up + x else s * down", q, &
                               param_names="up, down", param_values=[0.9d0, 0.5d0]))
    t_compile = min(t_compile, now() - t0)
    if (c_associated(prog)) then
      call fs_scan_free(q)
    else
      prog = q
    end if
  end do

  t_score = huge(1d0); t_loop = huge(1d0); t_pow = huge(1d0); t_fpow = huge(1d0); t_scan = huge(1d0)
  do r = 1, 5
    t0 = now()
    call check(fs_score_series(x, opts, out))
    t_score = min(t_score, now() - t0)

    t0 = now()
    s = 0
    do i = 1, n
      if (.not. ieee_is_nan(x(i))) then
        if (x(i) > s) then
          s = s*0.9d0 + x(i)
        else
          s = s*0.5d0
        end if
      end if
      ref(i) = s
    end do
    t_loop = min(t_loop, now() - t0)

    t0 = now()
    call check(fs_scan_run(prog, x, [0d0], sc))
    t_scan = min(t_scan, now() - t0)

    t0 = now()
    call check(fs_power_sum(x, 1.5d0, p))
    t_pow = min(t_pow, now() - t0)

    t0 = now()
    pc = 0
    do i = 1, n
      if (x(i) > 0) pc = pc + x(i)**1.5d0
    end do
    t_fpow = min(t_fpow, now() - t0)
  end do
  max_diff = maxval(abs(out - ref))
  call fs_scan_free(prog)

  print '(a,a,a,i0,a)', "ferroscore ", fs_version(), " Fortran quickstart: ", n, " values, 1% missing"
  print '(a)', ""
  print '(a,t35,a11,a13)', "kernel", "ms", "ns/value"
  call row("score_series (ferroscore)", t_score)
  call row("score_series (plain Fortran loop)", t_loop)
  call row("scan(seed rule as text)", t_scan)
  call row("power_sum p=1.5 (ferroscore)", t_pow)
  call row("power_sum p=1.5 (Fortran ** loop)", t_fpow)
  print '(a,f0.6,a,es8.1)', "score_series last value ", out(n), ", max |diff| vs plain loop ", max_diff
  print '(a,f0.6,a,f0.6,a,es8.1,a)', "power_sum ", p, " (plain ", pc, ", relative diff ", abs(p - pc)/abs(pc), ")"
  print '(a,f0.1,a,i0,a,i0,a,es8.1)', "scan: compiled in ", t_compile*1d6, " us (best of 1000); ", &
    count(sc == ref), " of ", n, " values equal the loop's bits, max |diff| vs score_series ", &
    maxval(abs(sc - out))
  if (max_diff > 1d-9 .or. abs(p - pc) > 1d-12*abs(pc) .or. maxval(abs(sc - ref)) > 1d-9) stop 1

contains

  function now() result(t)
    real(c_double) :: t
    integer(c_int64_t) :: c, rate
    call system_clock(c, rate)
    t = real(c, c_double)/real(rate, c_double)
  end function now

  subroutine row(name, t)
    character(len=*), intent(in) :: name
    real(c_double), intent(in) :: t
    print '(a,t35,f11.2,f13.3)', name, t*1d3, t*1d9/real(n, c_double)
  end subroutine row

  subroutine check(status)
    integer(c_int32_t), intent(in) :: status
    if (status /= FERROSCORE_STATUS_OK) then
      print '(4a)', "ferroscore: ", fs_status_name(status), ": ", fs_last_error_message()
      stop 1
    end if
  end subroutine check

  ! the benches' series: xorshift64, 1% NaN, a sum of 4 uniforms (mean 0, sd 1);
  ! unsigned arithmetic emulated on int64 with ishft (logical shifts)
  subroutine series(v)
    real(c_double), intent(out) :: v(:)
    integer(c_int64_t) :: st, k
    integer :: j
    real(c_double) :: u
    st = ior(int(z'9E3779B97F4A7C15', c_int64_t), 1_c_int64_t)
    do k = 1, size(v, kind=c_int64_t)
      call step(st)
      if (umod1000(st) < 10) then
        v(k) = ieee_value(1d0, ieee_quiet_nan)
        cycle
      end if
      u = 0
      do j = 1, 4
        call step(st)
        u = u + real(ishft(st, -11), c_double)/9007199254740992d0
      end do
      v(k) = (u - 2d0)*1.7320508d0
    end do
  end subroutine series

  subroutine step(st)
    integer(c_int64_t), intent(inout) :: st
    st = ieor(st, ishft(st, 13))
    st = ieor(st, ishft(st, -7))
    st = ieor(st, ishft(st, 17))
  end subroutine step

  ! the unsigned value of st modulo 1000
  integer function umod1000(st)
    integer(c_int64_t), intent(in) :: st
    integer(c_int64_t) :: hi, lo
    hi = ishft(st, -32)            ! upper 32 bits, unsigned
    lo = iand(st, int(z'FFFFFFFF', c_int64_t))
    ! (hi * 2^32 + lo) mod 1000, with 2^32 mod 1000 = 296
    umod1000 = int(mod(mod(hi, 1000_c_int64_t)*296_c_int64_t + mod(lo, 1000_c_int64_t), 1000_c_int64_t))
  end function umod1000

end program quickstart
