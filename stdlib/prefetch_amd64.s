#include "textflag.h"

// func Prefetch2(a, b uintptr)
TEXT ·Prefetch2(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	PREFETCHT0 (AX)
	PREFETCHT0 (BX)
	RET

// func PrefetchSpan(p, n uintptr)
TEXT ·PrefetchSpan(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), BX
	ADDQ AX, BX
loop:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	CMPQ AX, BX
	JLT loop
	RET

// func Prefetch8(p0, p1, p2, p3, p4, p5, p6, p7 uintptr)
TEXT ·Prefetch8(SB), NOSPLIT, $0-64
	MOVQ p0+0(FP), AX
	PREFETCHT0 (AX)
	MOVQ p1+8(FP), AX
	PREFETCHT0 (AX)
	MOVQ p2+16(FP), AX
	PREFETCHT0 (AX)
	MOVQ p3+24(FP), AX
	PREFETCHT0 (AX)
	MOVQ p4+32(FP), AX
	PREFETCHT0 (AX)
	MOVQ p5+40(FP), AX
	PREFETCHT0 (AX)
	MOVQ p6+48(FP), AX
	PREFETCHT0 (AX)
	MOVQ p7+56(FP), AX
	PREFETCHT0 (AX)
	RET

// func PrefetchLines(n uintptr, a, b, c, d uintptr)
//
// Three and two lines, what the engine asks for at every event (worker.warm),
// are written out: the loop's four adds, decrement and branch were six of
// every line's ten instructions, 18 of the 37 of a call of three (the same
// prefetches, in the same order).
TEXT ·PrefetchLines(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ d+32(FP), SI
	CMPQ CX, $3
	JEQ three
	CMPQ CX, $2
	JEQ two
	TESTQ CX, CX
	JZ done
lines:
	PREFETCHT0 (AX)
	PREFETCHT0 (BX)
	PREFETCHT0 (DX)
	PREFETCHT0 (SI)
	ADDQ $64, AX
	ADDQ $64, BX
	ADDQ $64, DX
	ADDQ $64, SI
	DECQ CX
	JNZ lines
done:
	RET
three:
	PREFETCHT0 (AX)
	PREFETCHT0 (BX)
	PREFETCHT0 (DX)
	PREFETCHT0 (SI)
	PREFETCHT0 64(AX)
	PREFETCHT0 64(BX)
	PREFETCHT0 64(DX)
	PREFETCHT0 64(SI)
	PREFETCHT0 128(AX)
	PREFETCHT0 128(BX)
	PREFETCHT0 128(DX)
	PREFETCHT0 128(SI)
	RET
two:
	PREFETCHT0 (AX)
	PREFETCHT0 (BX)
	PREFETCHT0 (DX)
	PREFETCHT0 (SI)
	PREFETCHT0 64(AX)
	PREFETCHT0 64(BX)
	PREFETCHT0 64(DX)
	PREFETCHT0 64(SI)
	RET

// func PrefetchTargets16(p uintptr)
TEXT ·PrefetchTargets16(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	MOVQ 0(AX), CX
	PREFETCHT0 (CX)
	MOVQ 16(AX), CX
	PREFETCHT0 (CX)
	MOVQ 32(AX), CX
	PREFETCHT0 (CX)
	MOVQ 48(AX), CX
	PREFETCHT0 (CX)
	MOVQ 64(AX), CX
	PREFETCHT0 (CX)
	MOVQ 80(AX), CX
	PREFETCHT0 (CX)
	MOVQ 96(AX), CX
	PREFETCHT0 (CX)
	MOVQ 112(AX), CX
	PREFETCHT0 (CX)
	RET
