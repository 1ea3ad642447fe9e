package data

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/golang/snappy"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/xitongsys/parquet-go/common"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/source"
)

// parquet-go trusts the sizes and counts a Parquet file states: a page's
// length, its number of values, a string's length, a run's length in the
// RLE/bit-packed hybrid encoding, a delta block's size. It allocates what
// they say before reading, so one corrupt number can ask for gigabytes
// (and some are allocated again for every value), which no recover()
// catches. checkPages reads the pages parquet-go is about to read, in the
// same order and as it would parse them, and checks every such number
// against the bytes that are there before parquet-go sees them; every
// allocation it then makes is bounded by the file's size, the table's
// memory budget (maxTableBytes) or a small constant.

// readFooter reads a Parquet file's footer (its FileMetaData), as
// parquet-go's ReadFooter does, except that no list or string in it may
// claim more bytes than the footer has (parquet-go's Thrift reader allows
// 100 MB each, and allocates lists of that length ahead). dataEnd is where
// the footer starts: the end of the column chunks.
func readFooter(fr source.ParquetFile) (md *parquet.FileMetaData, dataEnd int64, err error) {
	size, err := fr.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0, err
	}
	if size < 12 {
		return nil, 0, fmt.Errorf("only %d bytes", size)
	}
	tail := make([]byte, 4)
	if _, err := fr.Seek(size-8, io.SeekStart); err != nil {
		return nil, 0, err
	}
	if _, err := io.ReadFull(fr, tail); err != nil {
		return nil, 0, err
	}
	n := int64(binary.LittleEndian.Uint32(tail))
	if n > size-12 {
		return nil, 0, fmt.Errorf("the footer's length (%d bytes) is more than the file holds", n)
	}
	buf := make([]byte, n)
	if _, err := fr.Seek(size-8-n, io.SeekStart); err != nil {
		return nil, 0, err
	}
	if _, err := io.ReadFull(fr, buf); err != nil {
		return nil, 0, err
	}
	md = parquet.NewFileMetaData()
	if err := md.Read(context.Background(), boundedProtocol(buf, nil)); err != nil {
		return nil, 0, fmt.Errorf("corrupt footer: %v", err)
	}
	return md, size - 8 - n, nil
}

// boundedProtocol reads Thrift's compact protocol from buf, refusing any
// list or string longer than buf; *left (if not nil) is then the bytes
// not read yet.
func boundedProtocol(buf []byte, left *func() int) *thrift.TCompactProtocol {
	mb := thrift.NewTMemoryBufferLen(0)
	mb.Buffer = bytes.NewBuffer(buf)
	if left != nil {
		*left = mb.Len
	}
	return thrift.NewTCompactProtocolConf(mb, &thrift.TConfiguration{MaxMessageSize: int32(max(1, min(int64(len(buf)), math.MaxInt32)))})
}

// pqCheck is what checkPages needs while it reads one file.
type pqCheck struct {
	f         *os.File
	size      int64 // the file's
	dataEnd   int64 // where the footer starts
	maxValues int64 // the most values one page may hold
	maxPage   int64 // the most bytes one page may hold, decompressed
	extra     int64 // bytes of DELTA_BYTE_ARRAY strings beyond their pages'
	zstd      *zstd.Decoder
}

// errPq is a corruption found by checkPages.
func errPq(format string, args ...any) error { return fmt.Errorf(format, args...) }

// checkPages checks the column chunks of cols that parquet-go will read
// for the first n rows of the file at path (see above), and returns the
// bytes that DELTA_BYTE_ARRAY strings will take beyond their pages'
// (for the table's budget). maxValues bounds a page's values (the rows
// the budget allows).
func checkPages(path string, pr *reader.ParquetReader, cols []pqColumn, n, dataEnd, maxValues int64) (extra int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	c := &pqCheck{f: f, size: st.Size(), dataEnd: dataEnd, maxValues: maxValues, maxPage: maxTableBytes}
	defer func() {
		if c.zstd != nil {
			c.zstd.Close()
		}
	}()
	sh := pr.SchemaHandler
	groups := pr.Footer.GetRowGroups()
	var total int64
	for _, rg := range groups {
		if rg.GetNumRows() < 0 || rg.GetNumRows() > math.MaxInt64-total {
			return 0, errPq("a row group has %d rows", rg.GetNumRows())
		}
		total += rg.GetNumRows()
	}
	if total != pr.GetNumRows() {
		return 0, errPq("its row groups hold %d rows, its footer says %d", total, pr.GetNumRows())
	}
	for _, col := range cols {
		in, err := sh.ConvertToInPathStr(col.path)
		if err != nil {
			return 0, errPq("column %q: %v", col.name, err)
		}
		idx, ok := sh.MapIndex[in]
		if !ok {
			return 0, errPq("column %q is not in the schema", col.name)
		}
		el := sh.SchemaElements[idx]
		// The levels as parquet-go counts them (a repetition type other
		// than REQUIRED counts as OPTIONAL).
		maxDL, err := sh.MaxDefinitionLevel(common.StrToPath(in))
		if err != nil {
			return 0, errPq("column %q: %v", col.name, err)
		}
		maxRL, err := sh.MaxRepetitionLevel(common.StrToPath(in))
		if err != nil {
			return 0, errPq("column %q: %v", col.name, err)
		}
		if maxRL != 0 || maxDL > 1 || (maxDL == 1) != col.optional {
			return 0, errPq("column %q: its repetition type %s is not REQUIRED or OPTIONAL", col.name, el.GetRepetitionType())
		}
		var before int64 // rows in the row groups before
		for g, rg := range groups {
			ch := chunkOf(rg, sh.GetRootInName(), in)
			if ch == nil {
				return 0, errPq("column %q has no column chunk in row group %d", col.name, g+1)
			}
			if err := c.chunk(ch, rg, el, maxDL, before < n, n-before); err != nil {
				return 0, errPq("column %q, row group %d: %v", col.name, g+1, err)
			}
			before += rg.GetNumRows()
		}
	}
	return c.extra, nil
}

// chunkOf is the column chunk of rg whose path is in, found as
// parquet-go's NextRowGroup finds it.
func chunkOf(rg *parquet.RowGroup, root, in string) *parquet.ColumnChunk {
	for _, ch := range rg.GetColumns() {
		if ch == nil || ch.MetaData == nil {
			continue
		}
		if common.PathToStr(append([]string{root}, ch.MetaData.GetPathInSchema()...)) == in {
			return ch
		}
	}
	return nil
}

// chunk checks a column chunk's metadata and, if read, the pages that
// hold its first upTo rows.
func (c *pqCheck) chunk(ch *parquet.ColumnChunk, rg *parquet.RowGroup, el *parquet.SchemaElement, maxDL int32, read bool, upTo int64) error {
	md := ch.MetaData
	if ch.FilePath != nil {
		return errPq("its data is in another file (%q), which is not supported", *ch.FilePath)
	}
	if md.GetType() != el.GetType() {
		return errPq("its pages are of type %s, its schema says %s", md.GetType(), el.GetType())
	}
	if md.GetNumValues() != rg.GetNumRows() {
		return errPq("it holds %d values for %d rows", md.GetNumValues(), rg.GetNumRows())
	}
	start := md.GetDataPageOffset()
	if md.DictionaryPageOffset != nil {
		start = *md.DictionaryPageOffset
	}
	if start < 4 || start >= c.dataEnd {
		return errPq("its pages start at byte %d, outside the file's data (bytes 4 to %d)", start, c.dataEnd)
	}
	if s := md.GetTotalCompressedSize(); s < 0 || s > c.size {
		return errPq("its size (%d bytes) is beyond the file's", s)
	}
	if !read {
		return nil
	}
	pos := start
	var seen int64 // values of the pages read
	dictSize := int64(-1)
	for seen < md.GetNumValues() && seen < upTo {
		at := pos
		h, hl, err := c.header(pos)
		if err != nil {
			return errPq("page at byte %d: %v", at, err)
		}
		pos += hl
		if err := c.page(h, &pos, md, el, maxDL, &seen, &dictSize); err != nil {
			return errPq("page at byte %d: %v", at, err)
		}
	}
	return nil
}

// header reads the page header at pos, returning it and its length.
func (c *pqCheck) header(pos int64) (*parquet.PageHeader, int64, error) {
	left := c.dataEnd - pos
	if left <= 0 {
		return nil, 0, errors.New("it is beyond the file's data")
	}
	for w := min(left, 4096); ; w = min(left, w*8) {
		buf := make([]byte, w)
		if _, err := c.f.ReadAt(buf, pos); err != nil {
			return nil, 0, err
		}
		var unread func() int
		h := parquet.NewPageHeader()
		err := h.Read(context.Background(), boundedProtocol(buf, &unread))
		if err == nil {
			return h, w - int64(unread()), nil
		}
		if w == left {
			return nil, 0, fmt.Errorf("corrupt page header: %v", err)
		}
	}
}

// page checks one page, whose header h has been read, and its data from
// *pos on; it moves *pos past the page and counts its values in *seen.
func (c *pqCheck) page(h *parquet.PageHeader, pos *int64, md *parquet.ColumnMetaData, el *parquet.SchemaElement, maxDL int32, seen, dictSize *int64) error {
	cps := int64(h.GetCompressedPageSize())
	if cps < 0 || cps > c.dataEnd-*pos {
		return errPq("its compressed size (%d bytes) is beyond the file's data (%d bytes left)", cps, c.dataEnd-*pos)
	}
	u := int64(h.GetUncompressedPageSize())
	if u < 0 || u > c.maxPage {
		return errPq("its size (%d bytes) is out of range", u)
	}
	raw := make([]byte, cps)
	if _, err := c.f.ReadAt(raw, *pos); err != nil {
		return err
	}
	*pos += cps
	typ := md.GetType()
	switch h.GetType() {
	case parquet.PageType_DICTIONARY_PAGE:
		dh := h.GetDictionaryPageHeader()
		if dh == nil {
			return errors.New("a dictionary page without its header")
		}
		nv := int64(dh.GetNumValues())
		if nv < 0 || nv > c.maxValues {
			return errPq("a dictionary of %d values", nv)
		}
		data, err := c.uncompress(raw, md.GetCodec(), u)
		if err != nil {
			return err
		}
		r := &pqBytes{b: data}
		if err := r.plain(typ, nv); err != nil {
			return errPq("dictionary: %v", err)
		}
		*dictSize = nv
		return nil
	case parquet.PageType_DATA_PAGE:
		dh := h.GetDataPageHeader()
		if dh == nil {
			return errors.New("a data page without its header")
		}
		data, err := c.uncompress(raw, md.GetCodec(), u)
		if err != nil {
			return err
		}
		return c.data(data, int64(dh.GetNumValues()), dh.GetEncoding(), md, el, maxDL, seen, *dictSize)
	case parquet.PageType_DATA_PAGE_V2:
		dh := h.GetDataPageHeaderV2()
		if dh == nil {
			return errors.New("a data page without its header")
		}
		rll, dll := int64(dh.GetRepetitionLevelsByteLength()), int64(dh.GetDefinitionLevelsByteLength())
		if rll < 0 || dll < 0 || rll+dll > cps || rll+dll > u {
			return errPq("its levels' sizes (%d and %d bytes) are beyond its size (%d bytes)", rll, dll, cps)
		}
		// The page as parquet-go rebuilds it: each level section after
		// its length, then the values.
		var buf []byte
		for _, sec := range [][]byte{raw[:rll], raw[rll : rll+dll]} {
			if len(sec) > 0 {
				buf = binary.LittleEndian.AppendUint32(buf, uint32(len(sec)))
				buf = append(buf, sec...)
			}
		}
		if rest := raw[rll+dll:]; len(rest) > 0 {
			data, err := c.uncompress(rest, md.GetCodec(), u-rll-dll)
			if err != nil {
				return err
			}
			buf = append(buf, data...)
		}
		return c.data(buf, int64(dh.GetNumValues()), dh.GetEncoding(), md, el, maxDL, seen, *dictSize)
	}
	return errPq("pages of type %s are not supported", h.GetType())
}

// data checks a data page's levels and values (uncompressed) as
// parquet-go's layout.ReadPage reads them for a flat column.
func (c *pqCheck) data(data []byte, nv int64, enc parquet.Encoding, md *parquet.ColumnMetaData, el *parquet.SchemaElement, maxDL int32, seen *int64, dictSize int64) error {
	if nv < 0 || nv > md.GetNumValues()-*seen {
		return errPq("%d values, beyond the %d its column chunk has left", nv, md.GetNumValues()-*seen)
	}
	if nv > c.maxValues {
		return errPq("%d values, more than a table may hold", nv)
	}
	*seen += nv
	r := &pqBytes{b: data}
	cnt := nv // values that are not null
	if maxDL > 0 {
		cnt = 0
		levels, err := r.prefixed()
		if err != nil {
			return errPq("definition levels: %v", err)
		}
		var at int64
		got, err := hybrid(levels, uint64(bits.Len32(uint32(maxDL))), nv, func(v uint64, k int64) error {
			if v == uint64(maxDL) {
				cnt += max(0, min(k, nv-at))
			}
			at += k
			return nil
		})
		if err == nil && got < nv {
			err = errPq("%d levels for %d values", got, nv)
		}
		if err != nil {
			return errPq("definition levels: %v", err)
		}
	}
	if cnt == 0 {
		return nil // parquet-go reads no values
	}
	typ := md.GetType()
	var err error
	switch enc {
	case parquet.Encoding_PLAIN:
		err = r.plain(typ, cnt)
	case parquet.Encoding_PLAIN_DICTIONARY, parquet.Encoding_RLE_DICTIONARY:
		if dictSize < 0 {
			return errors.New("dictionary-encoded values without a dictionary page")
		}
		var w byte
		if w, err = r.byte(); err != nil {
			break
		}
		if w > 32 {
			err = errPq("a bit width of %d", w)
			break
		}
		if r.left() == 0 {
			err = io.ErrUnexpectedEOF
			break
		}
		var at, got int64
		got, err = hybrid(r.rest(), uint64(w), cnt, func(v uint64, k int64) error {
			if at < cnt && v >= uint64(dictSize) {
				return errPq("index %d in a dictionary of %d values", v, dictSize)
			}
			at += k
			return nil
		})
		if err == nil && got < cnt {
			err = errPq("%d indexes for %d values", got, cnt)
		}
	case parquet.Encoding_RLE:
		w := el.GetTypeLength()
		if w < 0 || w > 32 {
			return errPq("a bit width of %d", w)
		}
		var vals []byte
		if vals, err = r.prefixed(); err != nil {
			break
		}
		var got int64
		if got, err = hybrid(vals, uint64(w), cnt, nil); err == nil && got < cnt {
			err = errPq("%d values for %d", got, cnt)
		}
	case parquet.Encoding_DELTA_BINARY_PACKED:
		if typ != parquet.Type_INT32 && typ != parquet.Type_INT64 {
			return errPq("encoding %s for type %s", enc, typ)
		}
		_, err = r.delta(cnt, false)
	case parquet.Encoding_DELTA_LENGTH_BYTE_ARRAY:
		_, err = r.deltaLength(cnt)
	case parquet.Encoding_DELTA_BYTE_ARRAY:
		var prefixes, lens []int64
		if prefixes, err = r.delta(cnt, true); err != nil {
			break
		}
		if lens, err = r.deltaLength(cnt); err != nil {
			break
		}
		// Each string is a prefix of the one before and a suffix.
		prev := lens[0]
		for i := int64(1); i < cnt; i++ {
			p := prefixes[i]
			if p < 0 || p > prev {
				err = errPq("a prefix of %d bytes of a string of %d", p, prev)
				break
			}
			c.extra += p
			if c.extra > maxTableBytes {
				return errPq("its strings take more than %s", humanBytes(maxTableBytes))
			}
			prev = p + lens[i]
		}
	case parquet.Encoding_BYTE_STREAM_SPLIT:
		switch typ {
		case parquet.Type_FLOAT:
			err = r.skip(cnt, 4)
		case parquet.Type_DOUBLE:
			err = r.skip(cnt, 8)
		default:
			return errPq("encoding %s for type %s", enc, typ)
		}
	default:
		return errPq("encoding %s is not supported", enc)
	}
	if err != nil {
		return errPq("%s values: %v", enc, err)
	}
	return nil
}

// uncompress decompresses a page's data (as parquet-go will), refusing
// more than the page's header says it holds (limit, at most maxPage).
func (c *pqCheck) uncompress(b []byte, codec parquet.CompressionCodec, limit int64) ([]byte, error) {
	var out []byte
	var err error
	tooBig := func() error {
		return errPq("it decompresses to more than the %d bytes its header says", limit)
	}
	limited := func(r io.Reader) ([]byte, error) {
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		if int64(len(out)) > limit {
			return nil, tooBig()
		}
		return out, err
	}
	switch codec {
	case parquet.CompressionCodec_UNCOMPRESSED:
		return b, nil
	case parquet.CompressionCodec_SNAPPY:
		n, err := snappy.DecodedLen(b)
		if err != nil {
			return nil, errPq("snappy: %v", err)
		}
		if int64(n) > limit {
			return nil, tooBig()
		}
		out, err = snappy.Decode(nil, b)
	case parquet.CompressionCodec_GZIP:
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(b)); err == nil {
			out, err = limited(zr)
		}
	case parquet.CompressionCodec_LZ4:
		out, err = limited(lz4.NewReader(bytes.NewReader(b)))
	case parquet.CompressionCodec_ZSTD:
		var hd zstd.Header
		if hd.Decode(b) == nil && hd.HasFCS && hd.FrameContentSize > uint64(limit) {
			return nil, tooBig()
		}
		if c.zstd == nil {
			// A further frame that says it holds more than maxPage is
			// refused before its buffer is allocated.
			if c.zstd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(c.maxPage))); err != nil {
				return nil, err
			}
		}
		if out, err = c.zstd.DecodeAll(b, nil); err == nil && int64(len(out)) > limit {
			return nil, tooBig()
		}
	default:
		return nil, errPq("compression %s is not supported", codec)
	}
	if err != nil {
		return nil, errPq("%s: %v", codec, err)
	}
	return out, nil
}

// pqBytes reads a page's bytes.
type pqBytes struct {
	b []byte
	i int
}

func (r *pqBytes) left() int64  { return int64(len(r.b) - r.i) }
func (r *pqBytes) rest() []byte { b := r.b[r.i:]; r.i = len(r.b); return b }
func (r *pqBytes) byte() (byte, error) {
	if r.i >= len(r.b) {
		return 0, io.ErrUnexpectedEOF
	}
	r.i++
	return r.b[r.i-1], nil
}

// take is the next n bytes.
func (r *pqBytes) take(n int64) ([]byte, error) {
	if n < 0 || n > r.left() {
		return nil, errPq("%d bytes where %d are left", n, r.left())
	}
	b := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return b, nil
}

// skip passes n values of size bytes each.
func (r *pqBytes) skip(n, size int64) error {
	if n > r.left()/size {
		return errPq("%d values of %d bytes where %d bytes are left", n, size, r.left())
	}
	r.i += int(n * size)
	return nil
}

// prefixed is the bytes after a 4-byte little-endian length.
func (r *pqBytes) prefixed() ([]byte, error) {
	l, err := r.take(4)
	if err != nil {
		return nil, err
	}
	return r.take(int64(int32(binary.LittleEndian.Uint32(l))))
}

// uvarint reads an unsigned LEB128 number.
func (r *pqBytes) uvarint() (uint64, error) {
	x, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		return 0, errors.New("a corrupt or truncated number")
	}
	r.i += n
	return x, nil
}

// plain checks n PLAIN values of type typ.
func (r *pqBytes) plain(typ parquet.Type, n int64) error {
	switch typ {
	case parquet.Type_BOOLEAN:
		if n == 0 {
			return nil
		}
		_, err := r.take((n + 7) / 8)
		return err
	case parquet.Type_INT32, parquet.Type_FLOAT:
		return r.skip(n, 4)
	case parquet.Type_INT64, parquet.Type_DOUBLE:
		return r.skip(n, 8)
	case parquet.Type_INT96:
		return r.skip(n, 12)
	case parquet.Type_BYTE_ARRAY:
		for i := int64(0); i < n; i++ {
			l, err := r.take(4)
			if err != nil {
				return errPq("string %d of %d: %v", i+1, n, err)
			}
			if _, err := r.take(int64(binary.LittleEndian.Uint32(l))); err != nil {
				return errPq("string %d of %d: %v", i+1, n, err)
			}
		}
		return nil
	}
	return errPq("type %s is not supported", typ)
}

// hybridSlack is how many values more than a page holds its
// RLE/bit-packed runs may encode (the last bit-packed run is padded to a
// multiple of 8).
const hybridSlack = 1024

// hybrid walks the runs of the RLE/bit-packed hybrid encoding in b with
// bit width w, as parquet-go's ReadRLEBitPackedHybrid reads all of them,
// calling f (if not nil) with each run's value and length (a bit-packed
// run's values one by one). It refuses more than n+hybridSlack values,
// and returns how many there are.
func hybrid(b []byte, w uint64, n int64, f func(v uint64, k int64) error) (int64, error) {
	r := &pqBytes{b: b}
	limit := n + hybridSlack
	var total int64
	for r.left() > 0 {
		h, err := r.uvarint()
		if err != nil {
			return 0, err
		}
		if h&1 == 0 { // a run of one value
			k := h >> 1
			if k > uint64(limit-total) {
				return 0, errPq("a run of %d values where %d are expected", k, n)
			}
			vb, err := r.take(int64((w + 7) / 8))
			if err != nil {
				return 0, err
			}
			var v uint64
			for i, x := range vb {
				v |= uint64(x) << (8 * i)
			}
			if f != nil {
				if err := f(v, int64(k)); err != nil {
					return 0, err
				}
			}
			total += int64(k)
			continue
		}
		groups := h >> 1 // of 8 values, w bytes each
		if groups > uint64(limit-total)/8 {
			return 0, errPq("%d bit-packed values where %d are expected", groups*8, n)
		}
		k := int64(groups * 8)
		if w == 0 {
			if f != nil && k > 0 {
				if err := f(0, k); err != nil {
					return 0, err
				}
			}
			total += k
			continue
		}
		pb, err := r.take(int64(groups * w))
		if err != nil {
			return 0, err
		}
		if f != nil {
			for i := int64(0); i < k; i++ {
				if err := f(bitsAt(pb, uint64(i)*w, w), 1); err != nil {
					return 0, err
				}
			}
		}
		total += k
	}
	return total, nil
}

// delta walks n values in the DELTA_BINARY_PACKED encoding as
// parquet-go reads them, returning them if keep.
func (r *pqBytes) delta(n int64, keep bool) ([]int64, error) {
	var hd [4]uint64 // block size, miniblocks per block, values, first value
	for i := range hd {
		x, err := r.uvarint()
		if err != nil {
			return nil, err
		}
		hd[i] = x
	}
	block, mbs, total := hd[0], hd[1], hd[2]
	if total != uint64(n) {
		return nil, errPq("%d values where %d are expected", total, n)
	}
	if block == 0 || block > 1<<20 || mbs == 0 || mbs > block || (block/mbs)%8 != 0 {
		return nil, errPq("blocks of %d values in %d miniblocks", block, mbs)
	}
	per := int64(block / mbs)
	last := int64(hd[3]>>1) ^ -int64(hd[3]&1)
	var vals []int64
	if keep {
		vals = append(make([]int64, 0, n), last)
	}
	count := int64(1)
	for count < n {
		z, err := r.uvarint()
		if err != nil {
			return nil, err
		}
		minDelta := int64(z>>1) ^ -int64(z&1)
		widths, err := r.take(int64(mbs))
		if err != nil {
			return nil, err
		}
		for _, w := range widths {
			if count >= n {
				break
			}
			if w > 64 {
				return nil, errPq("a bit width of %d", w)
			}
			nb := per * int64(w) / 8
			var pb []byte
			if nb > r.left() {
				// The last miniblock may be cut short; parquet-go
				// reads what there is.
				if count+per < n || r.left() == 0 {
					return nil, io.ErrUnexpectedEOF
				}
				pb = append(r.rest(), make([]byte, nb-r.left())...)
			} else {
				pb, _ = r.take(nb)
			}
			for i := int64(0); i < per; i++ {
				if keep && count < n {
					last += int64(bitsAt(pb, uint64(i)*uint64(w), uint64(w))) + minDelta
					vals = append(vals, last)
				}
				count++
			}
		}
	}
	return vals, nil
}

// deltaLength checks n strings in the DELTA_LENGTH_BYTE_ARRAY encoding
// and returns their lengths.
func (r *pqBytes) deltaLength(n int64) ([]int64, error) {
	lens, err := r.delta(n, true)
	if err != nil {
		return nil, err
	}
	for i, l := range lens {
		if _, err := r.take(l); err != nil {
			return nil, errPq("string %d of %d: %v", i+1, n, err)
		}
	}
	return lens, nil
}

// bitsAt is the w-bit value (least significant bit first) at bit off of b.
func bitsAt(b []byte, off, w uint64) uint64 {
	if w == 0 {
		return 0
	}
	if w > 56 {
		var v uint64
		for j := uint64(0); j < w; j++ {
			bit := off + j
			v |= uint64(b[bit/8]>>(bit%8)&1) << j
		}
		return v
	}
	i := off / 8
	var x uint64
	if i+8 <= uint64(len(b)) {
		x = binary.LittleEndian.Uint64(b[i:])
	} else {
		for k := uint64(0); i+k < uint64(len(b)); k++ {
			x |= uint64(b[i+k]) << (8 * k)
		}
	}
	return x >> (off % 8) & (1<<w - 1)
}
