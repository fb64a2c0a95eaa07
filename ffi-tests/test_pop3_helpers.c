/* test_pop3_helpers: the exported NetX helpers, no network.
   _nx_pop3_parse_response (NetX regression: the one-byte abnormal reply; and
   a canary around the argument buffer for every length and index: nothing
   outside argument[0 .. argument_length) is ever written, nothing outside
   the input is read), _nx_pop3_digest_authenticate (RFC 1939 vector, both
   ways NetX calls it), _nx_pop3_hex_ascii_convert,
   _nx_pop3_server_number_convert, _nx_pop3_parse_process_id. */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_pop3_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, cases, case_failed;
static const char *case_name;

static void begin(const char *name)
{
    case_name = name;
    case_failed = 0;
}

static void end(void)
{
    cases++;
    failures += case_failed;
    printf("%s: %s\n", case_failed ? "FAIL" : "PASS", case_name);
}

#define CHECK(cond)                                                                                               \
    do {                                                                                                          \
        if (!(cond)) {                                                                                            \
            if (case_failed < 10)                                                                                 \
                printf("    line %d: CHECK(%s) failed\n", __LINE__, #cond);                                      \
            case_failed++;                                                                                        \
        }                                                                                                         \
    } while (0)
#define CHECK_STR(got, want)                                                                                      \
    do {                                                                                                          \
        if (strcmp((got), (want)) != 0) {                                                                         \
            if (case_failed < 10)                                                                                 \
                printf("    line %d: got '%s', expected '%s'\n", __LINE__, (got), (want));                        \
            case_failed++;                                                                                        \
        }                                                                                                         \
    } while (0)

#define CANARY 0xA5
#define PAD 64

/* Calls _nx_pop3_parse_response on a heap copy of exactly `len` bytes (so
   that ASan sees any read past it), with the argument buffer in the middle
   of a canary-filled area. Returns 0 if something outside was written. */
static int parse_checked(const char *input, UINT len, UINT index, UINT arg_len, UINT upper, UINT crlf, char *out,
                         size_t out_cap)
{
    static unsigned char area[PAD + 1024 + PAD];
    char *buf = malloc(len ? len : 1);
    int ok = 1;
    memcpy(buf, input, len);
    memset(area, CANARY, sizeof area);
    _nx_pop3_parse_response(buf, index, len, (CHAR *)(area + PAD), arg_len, upper, crlf);
    for (size_t i = 0; i < sizeof area; i++) {
        if ((i < PAD || i >= PAD + (size_t)arg_len) && area[i] != CANARY) {
            if (case_failed < 10)
                printf("    parse_response wrote outside the argument: input '%.*s' len %u index %u arg_len %u "
                       "upper %u crlf %u: byte %d\n",
                       (int)(len > 40 ? 40 : len), input, len, index, arg_len, upper, crlf, (int)i - PAD);
            ok = 0;
            break;
        }
    }
    if (memcmp(buf, input, len) != 0) {
        if (case_failed < 10)
            printf("    parse_response changed its input\n");
        ok = 0;
    }
    free(buf);
    if (out != NULL && out_cap > 0) {
        size_t n = 0;
        while (n < arg_len && n + 1 < out_cap && area[PAD + n] != 0)
            n++;
        memcpy(out, area + PAD, n);
        out[n] = 0;
    }
    return ok;
}

static void t_parse_response_one_byte(void)
{
    /* NetX's abnormal packet test: a reply of one byte. */
    static const char *ones[] = {"+", "-", " ", "\r", "\n", "\0", "x", "<"};
    begin("parse_response: a one-byte reply (NetX abnormal packet regression)");
    for (size_t i = 0; i < sizeof ones / sizeof ones[0]; i++)
        for (UINT index = 0; index <= 3; index++)
            for (UINT arg_len = 0; arg_len <= 16; arg_len++)
                for (UINT flags = 0; flags < 4; flags++)
                    CHECK(parse_checked(ones[i], 1, index, arg_len, flags & 1, flags >> 1, NULL, 0));
    /* NetX's exact call: buffer of length 1, argument of 1 byte. */
    {
        char b[1] = {'+'};
        unsigned char arg[3] = {CANARY, CANARY, CANARY};
        _nx_pop3_parse_response(b, 1, 1, (CHAR *)arg + 1, 1, NX_TRUE, NX_FALSE);
        CHECK(arg[0] == CANARY && arg[2] == CANARY);
    }
    end();
}

static void t_parse_response_canary(void)
{
    static const char *inputs[] = {
        "+OK 2 320\r\n",
        "+OK\r\n",
        "-ERR no such message\r\n",
        "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n",
        "   \r\n",
        "+OK    2     320   \r\n",
        "noseparatorsatalljustoneverylongwordthatkeepsgoingandgoingandgoingpastanyargumentlength",
        "+OK 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "\r\n\r\n\r\n",
        "+OK a\0b c\r\n",
        "+ok lower case\r\n",
        "word\rword\nword\r\n",
    };
    int all_ok = 1;
    begin("parse_response: never writes outside argument[0 .. argument_length), for every length and index");
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        UINT full = (UINT)strlen(inputs[i]);
        if (i == 9)
            full = 12;
        for (UINT len = 0; len <= full; len++)
            for (UINT index = 0; index <= 22; index++)
                for (UINT arg_len = 0; arg_len <= 70; arg_len += (arg_len < 12 ? 1 : 7))
                    for (UINT flags = 0; flags < 4; flags++)
                        if (!parse_checked(inputs[i], len, index, arg_len, flags & 1, flags >> 1, NULL, 0))
                            all_ok = 0;
    }
    CHECK(all_ok);
    end();
}

static void t_parse_response_values(void)
{
    char out[128];
    static const char r[] = "+OK 2 320\r\n";
    begin("parse_response: word values, uppercase, CRLF");
    CHECK(parse_checked(r, sizeof r - 1, 1, 20, 0, 0, out, sizeof out));
    CHECK_STR(out, "+OK");
    CHECK(parse_checked(r, sizeof r - 1, 2, 20, 0, 0, out, sizeof out));
    CHECK_STR(out, "2");
    CHECK(parse_checked(r, sizeof r - 1, 3, 20, 0, 0, out, sizeof out));
    CHECK_STR(out, "320");
    CHECK(parse_checked(r, sizeof r - 1, 3, 20, 0, 1, out, sizeof out));
    CHECK_STR(out, "320\r\n");
    CHECK(parse_checked(r, sizeof r - 1, 4, 20, 0, 0, out, sizeof out));
    CHECK_STR(out, "");
    CHECK(parse_checked(r, sizeof r - 1, 0, 20, 0, 0, out, sizeof out));
    CHECK_STR(out, "");
    CHECK(parse_checked("+ok fine\r\n", 10, 1, 20, 1, 0, out, sizeof out));
    CHECK_STR(out, "+OK");
    CHECK(parse_checked("+ok fine\r\n", 10, 2, 20, 1, 0, out, sizeof out));
    CHECK_STR(out, "FINE");
    CHECK(parse_checked("+ok fine\r\n", 10, 2, 20, 0, 0, out, sizeof out));
    CHECK_STR(out, "fine");
    /* A word longer than the argument is cut at argument_length. */
    CHECK(parse_checked("+OK 1234567890\r\n", 16, 2, 4, 0, 0, out, sizeof out));
    CHECK(strncmp(out, "1234", 4) == 0);
    end();
}

static void t_digest(void)
{
    static NX_POP3_CLIENT client;
    unsigned char result[33 + PAD];
    static const char pid_pw[] = "<1896.697170952@dbc.mtview.ca.us>tanstaaf";
    static const char pid[] = "<1896.697170952@dbc.mtview.ca.us>";
    begin("_nx_pop3_digest_authenticate: RFC 1939 vector, both ways");
    memset(&client, 0, sizeof client);
    memset(result, CANARY, sizeof result);
    CHECK(_nx_pop3_digest_authenticate(&client, (CHAR *)pid_pw, (UINT)strlen(pid_pw), (CHAR *)result) == NX_SUCCESS);
    CHECK_STR((char *)result, "c4c9334bac560ecc979e58001b3e22fb");
    for (size_t i = 33; i < sizeof result; i++)
        CHECK(result[i] == CANARY);
    strcpy(client.nx_pop3_client_password, "tanstaaf");
    memset(result, CANARY, sizeof result);
    CHECK(_nx_pop3_digest_authenticate(&client, (CHAR *)pid, (UINT)strlen(pid), (CHAR *)result) == NX_SUCCESS);
    CHECK_STR((char *)result, "c4c9334bac560ecc979e58001b3e22fb");
    for (size_t i = 33; i < sizeof result; i++)
        CHECK(result[i] == CANARY);
    /* The empty string with no password: MD5("") */
    memset(&client, 0, sizeof client);
    CHECK(_nx_pop3_digest_authenticate(&client, (CHAR *)"", 0, (CHAR *)result) == NX_SUCCESS);
    CHECK_STR((char *)result, "d41d8cd98f00b204e9800998ecf8427e");
    /* A length shorter than the string: only those bytes. MD5("abc") */
    CHECK(_nx_pop3_digest_authenticate(&client, (CHAR *)"abcdef", 3, (CHAR *)result) == NX_SUCCESS);
    CHECK_STR((char *)result, "900150983cd24fb0d6963f7d28e17f72");
    CHECK(_nx_pop3_digest_authenticate(NX_NULL, (CHAR *)pid, 3, (CHAR *)result) == NX_PTR_ERROR);
    CHECK(_nx_pop3_digest_authenticate(&client, NX_NULL, 3, (CHAR *)result) == NX_PTR_ERROR);
    CHECK(_nx_pop3_digest_authenticate(&client, (CHAR *)pid, 3, NX_NULL) == NX_PTR_ERROR);
    end();
}

static void t_hex(void)
{
    unsigned char out[2 * 5 + 1 + PAD];
    static const unsigned char in[5] = {0x00, 0x01, 0xab, 0xff, 0x7f};
    begin("_nx_pop3_hex_ascii_convert: lowercase hex, NUL, nothing past 2n+1");
    memset(out, CANARY, sizeof out);
    _nx_pop3_hex_ascii_convert((CHAR *)in, 5, (CHAR *)out);
    CHECK_STR((char *)out, "0001abff7f");
    for (size_t i = 11; i < sizeof out; i++)
        CHECK(out[i] == CANARY);
    memset(out, CANARY, sizeof out);
    _nx_pop3_hex_ascii_convert((CHAR *)in, 0, (CHAR *)out);
    CHECK(out[0] == 0 && out[1] == CANARY);
    _nx_pop3_hex_ascii_convert(NX_NULL, 5, (CHAR *)out);
    _nx_pop3_hex_ascii_convert((CHAR *)in, 5, NX_NULL);
    end();
}

static void t_number(void)
{
    static const struct {
        UINT n;
        const char *s;
    } v[] = {{0, "0"}, {1, "1"}, {9, "9"}, {10, "10"}, {12345, "12345"}, {4294967295u, "4294967295"}};
    unsigned char out[11 + PAD];
    begin("_nx_pop3_server_number_convert: decimal, digit count, at most 11 bytes");
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        memset(out, CANARY, sizeof out);
        UINT d = _nx_pop3_server_number_convert(v[i].n, (CHAR *)out);
        CHECK(d == strlen(v[i].s));
        CHECK_STR((char *)out, v[i].s);
        for (size_t k = strlen(v[i].s) + 1; k < sizeof out; k++)
            CHECK(out[k] == CANARY);
    }
    CHECK(_nx_pop3_server_number_convert(5, NX_NULL) == 0);
    end();
}

static void t_process_id(void)
{
    static NX_POP3_CLIENT client, before;
    char longstamp[200];
    begin("_nx_pop3_parse_process_id: first <...>, brackets included; only that field changes");
    memset(&client, 0x5A, sizeof client);
    before = client;
    {
        static const char g[] = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
        _nx_pop3_parse_process_id(&client, (CHAR *)g, (UINT)strlen(g));
        CHECK_STR(client.nx_pop3_server_process_id, "<1896.697170952@dbc.mtview.ca.us>");
    }
    {
        static const char g[] = "+OK <first@x> <second@y>\r\n";
        _nx_pop3_parse_process_id(&client, (CHAR *)g, (UINT)strlen(g));
        CHECK_STR(client.nx_pop3_server_process_id, "<first@x>");
    }
    {
        static const char g[] = "+OK no timestamp here\r\n";
        _nx_pop3_parse_process_id(&client, (CHAR *)g, (UINT)strlen(g));
        CHECK_STR(client.nx_pop3_server_process_id, "");
    }
    {
        static const char g[] = "+OK <cut@short>\r\n";
        /* the length ends before the closing bracket */
        _nx_pop3_parse_process_id(&client, (CHAR *)g, 10);
        CHECK_STR(client.nx_pop3_server_process_id, "");
    }
    {
        /* 75 bytes fit, 76 do not */
        memset(longstamp, 'a', sizeof longstamp);
        memcpy(longstamp, "+OK <", 5);
        longstamp[4 + 74] = '>';
        _nx_pop3_parse_process_id(&client, longstamp, 4 + 75);
        CHECK(strlen(client.nx_pop3_server_process_id) == 75);
        memset(longstamp, 'a', sizeof longstamp);
        memcpy(longstamp, "+OK <", 5);
        longstamp[4 + 75] = '>';
        _nx_pop3_parse_process_id(&client, longstamp, 4 + 76);
        CHECK_STR(client.nx_pop3_server_process_id, "");
        memset(longstamp, 'a', sizeof longstamp);
        memcpy(longstamp, "+OK <", 5);
        _nx_pop3_parse_process_id(&client, longstamp, sizeof longstamp);
        CHECK_STR(client.nx_pop3_server_process_id, "");
    }
    _nx_pop3_parse_process_id(&client, NX_NULL, 10);
    _nx_pop3_parse_process_id(NX_NULL, (CHAR *)"<a>", 3);
    /* Nothing but the process id field changed. */
    memcpy(before.nx_pop3_server_process_id, client.nx_pop3_server_process_id,
           sizeof client.nx_pop3_server_process_id);
    CHECK(memcmp(&before, &client, sizeof client) == 0);
    end();
}

VOID tx_application_define(VOID *first_unused_memory) { (void)first_unused_memory; }

int main(void)
{
    t_parse_response_one_byte();
    t_parse_response_canary();
    t_parse_response_values();
    t_digest();
    t_hex();
    t_number();
    t_process_id();
    printf("%s: %d of %d cases passed\n", failures ? "FAIL" : "PASS", cases - failures, cases);
    return failures ? 1 : 0;
}
