#include "textflag.h"

// Constants for uuidHexSSSE3 (see uuid_amd64.go).

// Each 8-byte word's bytes reversed: big-endian order.
DATA uuidBswap<>+0(SB)/8, $0x0001020304050607
DATA uuidBswap<>+8(SB)/8, $0x08090a0b0c0d0e0f
GLOBL uuidBswap<>(SB), RODATA|NOPTR, $16

DATA uuidLowNibble<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA uuidLowNibble<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL uuidLowNibble<>(SB), RODATA|NOPTR, $16

DATA uuidDigits<>+0(SB)/8, $"01234567"
DATA uuidDigits<>+8(SB)/8, $"89abcdef"
GLOBL uuidDigits<>(SB), RODATA|NOPTR, $16

// Text bytes 0-15 from digits 0-15: 0-7, '-', 8-11, '-', 12-13.
DATA uuidPick1<>+0(SB)/8, $0x0706050403020100
DATA uuidPick1<>+8(SB)/8, $0x0d0c800b0a090880
GLOBL uuidPick1<>(SB), RODATA|NOPTR, $16

DATA uuidDash1<>+0(SB)/8, $0x0000000000000000
DATA uuidDash1<>+8(SB)/8, $0x00002d000000002d
GLOBL uuidDash1<>(SB), RODATA|NOPTR, $16

// Text bytes 16-31 from digits 14-29 (digits 14, 15, then 16-29):
// 14-15, '-', 16-19, '-', 20-27.
DATA uuidPick2<>+0(SB)/8, $0x8005040302800100
DATA uuidPick2<>+8(SB)/8, $0x0d0c0b0a09080706
GLOBL uuidPick2<>(SB), RODATA|NOPTR, $16

DATA uuidDash2<>+0(SB)/8, $0x2d000000002d0000
DATA uuidDash2<>+8(SB)/8, $0x0000000000000000
GLOBL uuidDash2<>(SB), RODATA|NOPTR, $16

// Text bytes 20-35 from digits 16-31: 17-19, '-', 20-31.
DATA uuidPick3<>+0(SB)/8, $0x0706050480030201
DATA uuidPick3<>+8(SB)/8, $0x0f0e0d0c0b0a0908
GLOBL uuidPick3<>(SB), RODATA|NOPTR, $16

DATA uuidDash3<>+0(SB)/8, $0x000000002d000000
DATA uuidDash3<>+8(SB)/8, $0x0000000000000000
GLOBL uuidDash3<>(SB), RODATA|NOPTR, $16

// DIGITS turns x+8(FP) and y+16(FP) into their 32 lowercase hex digits,
// big-endian: digits 0-15 in X2, 16-31 in X4 (X0, X1, X3 clobbered).
#define DIGITS \
	MOVQ x+8(FP), X0 \
	MOVQ y+16(FP), X1 \
	PUNPCKLQDQ X1, X0 \ // x's bytes, then y's (little-endian)
	MOVOU uuidBswap<>(SB), X1 \
	PSHUFB X1, X0 \ // the 16 bytes in text order
	MOVOU X0, X1 \
	PSRLW $4, X1 \
	MOVOU uuidLowNibble<>(SB), X2 \
	PAND X2, X1 \ // high nibbles
	PAND X2, X0 \ // low nibbles
	MOVOU uuidDigits<>(SB), X2 \
	MOVOU X2, X3 \
	PSHUFB X1, X2 \ // high digits
	PSHUFB X0, X3 \ // low digits
	MOVOU X2, X4 \
	PUNPCKLBW X3, X2 \ // digits 0-15
	PUNPCKHBW X3, X4   // digits 16-31

// func uuidHexSSSE3(out *byte, x, y uint64)
TEXT ·uuidHexSSSE3(SB), NOSPLIT, $0-24
	MOVQ out+0(FP), DI
	DIGITS
	MOVOU X2, X5
	MOVOU uuidPick1<>(SB), X6
	PSHUFB X6, X5
	MOVOU uuidDash1<>(SB), X6
	POR X6, X5
	MOVOU X5, 0(DI)
	MOVOU X4, X5
	PALIGNR $14, X2, X5        // digits 14-29
	MOVOU uuidPick2<>(SB), X6
	PSHUFB X6, X5
	MOVOU uuidDash2<>(SB), X6
	POR X6, X5
	MOVOU X5, 16(DI)
	MOVOU uuidPick3<>(SB), X6
	PSHUFB X6, X4
	MOVOU uuidDash3<>(SB), X6
	POR X6, X4
	MOVOU X4, 20(DI)
	RET

// func hex32SSSE3(out *byte, x, y uint64)
TEXT ·hex32SSSE3(SB), NOSPLIT, $0-24
	MOVQ out+0(FP), DI
	DIGITS
	MOVOU X2, 0(DI)
	MOVOU X4, 16(DI)
	RET
