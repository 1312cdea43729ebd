/* A spinning thread's pause: tells the processor it waits, so it saves power and lets
 * the core's other thread run (and leaves the spun-on line alone). Nothing elsewhere. */
#ifndef NUMBERING_CORE_CPU_RELAX_H
#define NUMBERING_CORE_CPU_RELAX_H

static inline void numbering__cpu_relax(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
	__builtin_ia32_pause();
#elif defined(__GNUC__) && defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

#endif
