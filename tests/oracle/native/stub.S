# Entry to and exit from one oracle case (AT&T syntax, x86-64 SysV).
#
# oracle_enter loads the whole user-visible register state of a case from g_in (GPRs, RFLAGS, and
# the FXSAVE image: x87, MXCSR, xmm0-15) and jumps to the code page. The case's code ends with a
# jump to a trampoline that jumps here to oracle_exit, which stores the state to g_out and returns
# to C as if oracle_enter had returned 0. No register is free while the case runs, so every
# access below is RIP-relative; the case's RSP is arbitrary (it may even be garbage), so the exit
# path switches back to the runner's stack (g_host_rsp) before it pushes anything.
#
# Layout of g_in / g_out (see runner.c): gpr[16] at 0 in the architectural order rax rcx rdx rbx
# rsp rbp rsi rdi r8..r15, rflags at 128, the 512-byte FXSAVE image at 256 (16-byte aligned).

        .text
        .globl  oracle_enter
        .type   oracle_enter, @function
oracle_enter:
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, g_host_rsp(%rip)
        fxsave64 g_host_fx(%rip)
        fxrstor64 g_in+256(%rip)
        pushq   g_in+128(%rip)
        popfq                                   # arithmetic flags, DF, AC, ID as the case asks
        movq    g_in+0(%rip), %rax
        movq    g_in+8(%rip), %rcx
        movq    g_in+16(%rip), %rdx
        movq    g_in+24(%rip), %rbx
        movq    g_in+40(%rip), %rbp
        movq    g_in+48(%rip), %rsi
        movq    g_in+56(%rip), %rdi
        movq    g_in+64(%rip), %r8
        movq    g_in+72(%rip), %r9
        movq    g_in+80(%rip), %r10
        movq    g_in+88(%rip), %r11
        movq    g_in+96(%rip), %r12
        movq    g_in+104(%rip), %r13
        movq    g_in+112(%rip), %r14
        movq    g_in+120(%rip), %r15
        movq    g_in+32(%rip), %rsp             # the case's RSP, last
        jmpq    *g_code_addr(%rip)
        .size   oracle_enter, .-oracle_enter

        .globl  oracle_exit
        .type   oracle_exit, @function
oracle_exit:
        movq    %rax, g_out+0(%rip)
        movq    %rcx, g_out+8(%rip)
        movq    %rdx, g_out+16(%rip)
        movq    %rbx, g_out+24(%rip)
        movq    %rsp, g_out+32(%rip)
        movq    %rbp, g_out+40(%rip)
        movq    %rsi, g_out+48(%rip)
        movq    %rdi, g_out+56(%rip)
        movq    %r8, g_out+64(%rip)
        movq    %r9, g_out+72(%rip)
        movq    %r10, g_out+80(%rip)
        movq    %r11, g_out+88(%rip)
        movq    %r12, g_out+96(%rip)
        movq    %r13, g_out+104(%rip)
        movq    %r14, g_out+112(%rip)
        movq    %r15, g_out+120(%rip)
        movq    g_host_rsp(%rip), %rsp          # MOV leaves the flags alone
        pushfq
        popq    g_out+128(%rip)
        fxsave64 g_out+256(%rip)
        fxrstor64 g_host_fx(%rip)
        # Back to the runner's flags: DF clear (the SysV ABI), AC clear (the C library makes
        # unaligned accesses), NT/ID as at start.
        pushq   $0x202
        popfq
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        xorl    %eax, %eax
        ret
        .size   oracle_exit, .-oracle_exit

# After a signal ended a case (siglongjmp back into C): the runner's own FPU/SSE state and a
# clean RFLAGS (Linux clears DF/TF/RF for the handler but keeps AC).
        .globl  oracle_restore_host
        .type   oracle_restore_host, @function
oracle_restore_host:
        pushq   $0x202
        popfq
        fxrstor64 g_host_fx(%rip)
        ret
        .size   oracle_restore_host, .-oracle_restore_host

        .section .note.GNU-stack,"",@progbits
