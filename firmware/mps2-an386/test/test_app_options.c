/* test_app_options: pop3_app's host interface without the library. Includes
   pop3_app.c (its main renamed) and checks, in QEMU, that the options given
   with -append arrive through semihosting SYS_GET_CMDLINE and parse as
   pop3_fetch's do, and that a file written in --out through semihosting
   (fopen/fwrite, .part then rename) appears on the host with exact bytes.
   The POP3 calls in pop3_app.c are never reached, so --gc-sections drops
   them and no library is needed. run_selftest.py checks the output. */
#define main pop3_app_main
#include "../pop3_app.c"
#undef main

int main(void)
{
    if (parse_options() != 0)
        return BOARD_EXIT_FAIL;
    printf("server %lu.%lu.%lu.%lu:%lu\n", (unsigned long)(options.server_address >> 24),
           (unsigned long)((options.server_address >> 16) & 0xFF), (unsigned long)((options.server_address >> 8) & 0xFF),
           (unsigned long)(options.server_address & 0xFF), (unsigned long)options.server_port);
    printf("ip %lu.%lu.%lu.%lu\n", (unsigned long)(options.client_address >> 24),
           (unsigned long)((options.client_address >> 16) & 0xFF), (unsigned long)((options.client_address >> 8) & 0xFF),
           (unsigned long)(options.client_address & 0xFF));
    printf("user %s\npass %s\napop %u\ndelete %u\nstack %u\nout %s\n", options.user, options.password, options.apop,
           options.delete_after, options.measure_stack, options.out);
    /* The stack measurement pair on a call of known depth. */
    stack_begin();
    stack_end("none");

    /* A "message" of every byte value, written the way download_message writes. */
    char final_name[160], part[sizeof(final_name) + 8];
    unsigned char data[256 * 3];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)i;
    snprintf(final_name, sizeof(final_name), "%s/1.eml", options.out);
    snprintf(part, sizeof(part), "%s.part", final_name);
    FILE *file = fopen(part, "wb");
    if (file == NX_NULL || fwrite(data, 1, 300, file) != 300 || fwrite(data + 300, 1, sizeof(data) - 300, file) !=
                                                                    sizeof(data) - 300 || fclose(file) != 0) {
        printf("FAIL: writing %s\n", part);
        return BOARD_EXIT_FAIL;
    }
    if (board_semihost_rename(part, final_name) != 0) {
        printf("FAIL: renaming %s\n", part);
        return BOARD_EXIT_FAIL;
    }
    printf("wrote %s\n", final_name);
    return BOARD_EXIT_OK;
}
