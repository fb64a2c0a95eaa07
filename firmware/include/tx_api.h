/* Minimal tx_api.h for firmware built without ThreadX (the bare-metal port)
   and for compiling the layout checks with arm-none-eabi-gcc.

   It gives only what a NetX program expects from ThreadX's header before it
   includes nx_api.h: the basic types and the wait constants. A ThreadX
   project uses ThreadX's own tx_api.h instead; the types agree with every
   ThreadX port for Cortex-M (ULONG is 32 bits). */
#ifndef TX_API_H
#define TX_API_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VOID
#define VOID void
#endif
typedef char CHAR;
typedef unsigned char UCHAR;
typedef int INT;
typedef unsigned int UINT;
typedef uint32_t ULONG;
typedef unsigned short USHORT;

#define TX_SUCCESS 0x00
#define TX_NO_WAIT 0
#define TX_WAIT_FOREVER 0xFFFFFFFFUL
#define TX_TIMER_TICKS_PER_SECOND 100

#ifdef __cplusplus
}
#endif

#endif /* TX_API_H */
