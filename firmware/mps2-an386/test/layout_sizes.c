/* The public control blocks' sizes with 32-bit pointers, read back from the
   object file by `make check-layout-thumb` (arm-none-eabi-nm -S): one array
   per struct, its size the struct's size. Compiled, never linked or run. */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#define SIZE_OF(T) char layout_size_##T[sizeof(T)]
SIZE_OF(NX_POP3_CLIENT);
SIZE_OF(NX_TCP_SOCKET);
SIZE_OF(NX_IP);
SIZE_OF(NX_INTERFACE);
SIZE_OF(NX_PACKET);
SIZE_OF(NX_PACKET_POOL);
SIZE_OF(NX_IP_DRIVER);
SIZE_OF(NXD_ADDRESS);
SIZE_OF(NX_MD5);
