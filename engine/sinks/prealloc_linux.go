package sinks

import (
	"os"

	"golang.org/x/sys/unix"
)

// reserve allocates n bytes of blocks at off without changing f's size.
func reserve(f *os.File, off, n int64) error {
	return control(f, func(fd int) error {
		return unix.Fallocate(fd, unix.FALLOC_FL_KEEP_SIZE, off, n)
	})
}

// startWriteback starts writing n bytes of f at off to disk, without
// waiting for it.
func startWriteback(f *os.File, off, n int64) error {
	return control(f, func(fd int) error {
		return unix.SyncFileRange(fd, off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}

// dropPages drops from the page cache what of n bytes of f at off is
// written to disk; pages still dirty or being written stay.
func dropPages(f *os.File, off, n int64) error {
	return control(f, func(fd int) error {
		return unix.Fadvise(fd, off, n, unix.FADV_DONTNEED)
	})
}

// flushPages writes n bytes of f at off to disk and waits for them.
func flushPages(f *os.File, off, n int64) error {
	return control(f, func(fd int) error {
		return unix.SyncFileRange(fd, off, n,
			unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER)
	})
}

// dupFile is a second descriptor of f's file.
func dupFile(f *os.File) (*os.File, error) {
	var d int
	err := control(f, func(fd int) error {
		var err error
		d, err = unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(d), f.Name()), nil
}

// control runs op on f's descriptor, again while it is interrupted.
func control(f *os.File, op func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			if ferr = op(int(fd)); ferr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return ferr
}
