package sinks

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kgo"
)

// fileWriter returns what a file sink's temporary file is written through.
// It is called once per file, never per record; tests replace it with a
// writer that fails, to see a full disk without filling one.
var fileWriter = func(f *os.File) io.Writer { return f }

// describe names the file a write error is about by its final name: the
// temporary name in the *os.PathError means nothing to the user, and the
// file is removed when the run fails anyway.
func (a *atomicFile) describe(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write %s: %w", a.final, err)
}

// Sealer is implemented by sinks that publish files at Close. Seal writes
// everything that is left under temporary names, so that the engine can
// seal every sink before it publishes any: a run whose last flush fails
// (a full disk) publishes nothing. Close then only renames.
type Sealer interface {
	Seal() error
}

// Unpublisher is implemented by file sinks: Unpublish removes the files
// Close published, when publishing another sink's files failed after it.
type Unpublisher interface {
	Unpublish()
}

// Seal implements Sealer.
func (s *fileSink) Seal() error {
	if err := s.sealOpen(); err != nil {
		return err
	}
	if s.file != nil {
		s.res.Bytes += s.file.raw
		err := s.file.seal()
		if err == nil {
			s.sealed = append(s.sealed, s.file)
		}
		s.file = nil
		return err
	}
	return nil
}

// Seal implements Sealer: the writer goroutine finishes the open files.
func (s *parquetSink) Seal() error {
	if s.w == nil {
		return nil // Close reports a sink that is not open
	}
	err := s.endAll()
	if werr := s.w.finish(); err == nil {
		err = werr
	}
	return err
}

// MemoryUser is implemented by sinks that hold buffers of their own, so
// that the engine's memory estimate can count them.
type MemoryUser interface {
	// MemoryBytes is the most the sink's buffers hold at once.
	MemoryBytes() int64
}

// fileBuffers is what one file being written holds: the buffer being
// filled, the writer goroutine's queue and free list, and the compressor.
func fileBuffers(path string) int64 {
	n := int64(fileBuf) * 12
	if Compression(path) != "" {
		// The compressors shared by every file (a deflate compressor
		// holds 1.1 MiB, a zstd encoder 2.5 MiB), and the input and
		// output of the blocks in flight (see blockWriter).
		n += int64(runtime.GOMAXPROCS(0))*3<<20 + 2*int64(blocksInFlight())*blockSize
	}
	return n
}

// MemoryBytes implements MemoryUser: one file open at a time (one per
// distinct value when the path has {{field:…}}, counted as one here: the
// others are FieldPartitioned's).
func (s *fileSink) MemoryBytes() int64 { return fileBuffers(s.path) }

// FieldPartitioned is implemented by file sinks (jsonl, csv, parquet),
// whose path may have {{field:NAME}} partitions: one file is open per
// distinct combination of the fields' values within the current time
// partition (all of them until the run ends when the path has no time
// placeholder), and each holds OpenFileBytes of buffers beyond what
// MemoryBytes counts.
type FieldPartitioned interface {
	// PartitionFields are the NAMEs of the path's {{field:NAME}}, in
	// order; none when the path has none.
	PartitionFields() []string
	// OpenFileBytes is what one more open file holds.
	OpenFileBytes() int64
}

// PartitionFields implements FieldPartitioned.
func (s *fileSink) PartitionFields() []string { return s.fields }

// OpenFileBytes implements FieldPartitioned: each open file's buffer
// being filled (allocated whole), its writer goroutine's stack, and its
// compressor with the buffer behind it. The writer's queue fills only
// while the disk lags, one file at a time: MemoryBytes counts it once.
func (s *fileSink) OpenFileBytes() int64 { return openFileBytes(s.path) }

func openFileBytes(path string) int64 {
	n := int64(fileBuf+fileBuf/8) + 8<<10
	if Compression(path) != "" {
		// The block being filled, the previous one's tail (gzip), the
		// buffer gathering the compressed blocks into writes, and the
		// writer's queue: it fills while the compressors lag, which
		// they do for every open file at once.
		n += blockSize + dictSize + fileBuf + fileQueue*fileBuf
	}
	return n
}

// MemoryBytes implements MemoryUser: parquet-go holds a whole row group
// as Go values (about 48 bytes per cell) until it is written. With
// {{field:NAME}} in the path the open files' row groups together hold up
// to pqBudget bytes of rows (measured: 50 partitions of 3M records peaked
// at 288 MiB with the budget, 719 MiB without).
func (s *parquetSink) MemoryBytes() int64 {
	groups := s.groupRows * int64(len(s.stream.Columns)) * 48
	if len(s.fields) > 0 {
		groups = pqBudget
	}
	return groups + fileBuffers("")
}

// PartitionFields implements FieldPartitioned.
func (s *parquetSink) PartitionFields() []string { return s.fields }

// OpenFileBytes implements FieldPartitioned: each open file's batch of
// rows on its way to the writer goroutine (sent at pqPartBatchBytes), the
// buffer its bytes go out through, and parquet-go's writer. The row groups
// the open files hold are bounded together by pqBudget, which MemoryBytes
// counts.
func (s *parquetSink) OpenFileBytes() int64 { return openFileBytes("") + pqPartBatchBytes + 16<<10 }

// MemoryBytes implements MemoryUser: the client buffers up to its byte
// limit of unacknowledged records, each with its kgo.Record.
func (s *kafkaSink) MemoryBytes() int64 {
	return int64(max(64<<20, 4*s.spec.batchBytes)) + 50000*int64(unsafe.Sizeof(kgo.Record{}))
}

// MemoryBytes implements MemoryUser: the COPY chunks in the channel, on
// the free list and being filled.
func (s *postgresSink) MemoryBytes() int64 { return 19 * pgChunkBytes * 5 / 4 }

// tooManyOpen adds a hint to err, the failure to create the next file of
// a sink partitioned by fields, when the process ran out of file
// descriptors (EMFILE, or the system's table, ENFILE): open files of the
// sink were open, one per combination of the fields' values.
func tooManyOpen(err error, open int, fields []string) error {
	if len(fields) == 0 || !errors.Is(err, syscall.EMFILE) && !errors.Is(err, syscall.ENFILE) {
		return err
	}
	per := "value of"
	if len(fields) > 1 {
		per = "combination of the values of"
	}
	return fmt.Errorf("%w: %d partition files of this sink were open, one per %s {{field:%s}}; raise the limit on open files (ulimit -n) or partition by a field with fewer values",
		err, open, per, strings.Join(fields, "}}/{{field:"))
}
