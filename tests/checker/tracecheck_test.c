/*
 * tracecheck_test.c — unit tests of the trace checker.
 *
 *   tracecheck_test            runs every test
 *   tracecheck_test NAME...    runs the named tests (ctest runs one each)
 *
 * Traces are written with single quotes for readability: J() turns them
 * into JSON. Most traces start with META, the metadata rule h requires, so
 * that each test shows only the problem it is about.
 */
#include "tracecheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a minimal harness ----------------------------------------------------- */

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

static test_case cases[200];
static size_t n_cases;
static int failed;

static void add_case(const char *name, void (*fn)(void))
{
    if (n_cases == sizeof(cases) / sizeof(cases[0])) {
        fprintf(stderr, "too many tests: raise the size of cases[]\n");
        exit(2);
    }
    cases[n_cases].name = name;
    cases[n_cases++].fn = fn;
}

/* TEST(name) defines and registers a test (CMake reads these lines). */
#define TEST(name)                                                            \
    static void name(void);                                                   \
    __attribute__((constructor)) static void register_##name(void)            \
    {                                                                         \
        add_case(#name, name);                                                \
    }                                                                         \
    static void name(void)

#define ASSERT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            failed = 1;                                                       \
            return;                                                           \
        }                                                                     \
    } while (0)

#define ASSERT_STR(got, want)                                                 \
    do {                                                                      \
        const char *g_ = (got), *w_ = (want);                                 \
        if (!g_ || strcmp(g_, w_) != 0) {                                     \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",         \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);        \
            failed = 1;                                                       \
            return;                                                           \
        }                                                                     \
    } while (0)

#define ASSERT_INT(got, want)                                                 \
    do {                                                                      \
        long long g_ = (long long)(got), w_ = (long long)(want);              \
        if (g_ != w_) {                                                       \
            fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__,   \
                    __LINE__, #got, g_, w_);                                  \
            failed = 1;                                                       \
            return;                                                           \
        }                                                                     \
    } while (0)

/* ---- helpers --------------------------------------------------------------- */

#define META                                                                  \
    "{'ph':'M','name':'process_name','pid':1,'tid':1,'args':{'name':'p'}},"   \
    "{'ph':'M','name':'thread_name','pid':1,'tid':1,'args':{'name':'main'}}," \
    "{'ph':'M','name':'thread_name','pid':1,'tid':2,'args':{'name':'w'}},"

/* The trace text with ' turned into ". Returns a static buffer. */
static const char *J(const char *s)
{
    static char buf[1 << 16];
    size_t n = strlen(s);
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i];
    buf[n] = 0;
    return buf;
}

static char last_err[1024];

/* Loads a single-quoted trace; NULL (with last_err) when it cannot. */
static tc_trace *load(const char *text)
{
    const char *json = J(text);
    return tc_load_buffer(json, strlen(json), "t.json", last_err,
                          sizeof(last_err));
}

static void print_problems(const tc_trace *t)
{
    tc_problems p;
    tc_check(t, &p);
    for (size_t i = 0; i < p.count; i++)
        fprintf(stderr, "    %s\n", p.lines[i]);
}

/* True if the trace loads and has a problem containing needle. */
static bool fails_with(const char *text, const char *needle)
{
    tc_trace *t = load(text);
    if (!t) {
        fprintf(stderr, "    does not load: %s\n", last_err);
        return false;
    }
    tc_problems p;
    bool found = tc_check(t, &p) > 0 && tc_problem_find(&p, needle);
    if (!found) {
        fprintf(stderr, "    no problem contains \"%s\"; problems:\n",
                needle);
        print_problems(t);
    }
    tc_free(t);
    return found;
}

/* True if the trace loads with no problem. */
static bool passes(const char *text)
{
    tc_trace *t = load(text);
    if (!t) {
        fprintf(stderr, "    does not load: %s\n", last_err);
        return false;
    }
    bool ok = tc_check(t, NULL) == 0;
    if (!ok)
        print_problems(t);
    tc_free(t);
    return ok;
}

/* True if loading fails with a message containing needle. */
static bool rejected_with(const char *json, size_t len, const char *needle)
{
    tc_trace *t = tc_load_buffer(json, len, "t.json", last_err,
                                 sizeof(last_err));
    if (t) {
        fprintf(stderr, "    loaded, expected an error\n");
        tc_free(t);
        return false;
    }
    if (!strstr(last_err, needle)) {
        fprintf(stderr, "    error \"%s\" lacks \"%s\"\n", last_err, needle);
        return false;
    }
    return true;
}

/* ---- loading ---------------------------------------------------------------- */

TEST(load_should_accept_array_form)
{
    tc_trace *t = load("[" META "{'ph':'X','name':'a','pid':1,'tid':1,"
                       "'ts':1,'dur':2}]");
    ASSERT(t);
    ASSERT(!t->truncated);
    ASSERT_INT(t->stats.events, 4);
    ASSERT_INT(tc_check(t, NULL), 0);
    tc_free(t);
}

TEST(load_should_accept_object_form)
{
    tc_trace *t = load("{'traceEvents':[" META "{'ph':'X','name':'a',"
                       "'pid':1,'tid':1,'ts':1,'dur':2}],"
                       "'displayTimeUnit':'ns','metadata':{'a':1}}");
    ASSERT(t);
    ASSERT(!t->truncated);
    ASSERT_INT(t->stats.events, 4);
    ASSERT_INT(tc_check(t, NULL), 0);
    tc_free(t);
}

TEST(load_should_read_files_written_like_our_writer)
{
    char err[1024];
    tc_trace *t = tc_load_file(TC_DATA_DIR "/good.json", err, sizeof(err));
    if (!t)
        fprintf(stderr, "    %s\n", err);
    ASSERT(t);
    ASSERT(!t->truncated);
    ASSERT_INT(tc_check(t, NULL), 0);
    ASSERT_INT(t->stats.events, 15);
    tc_free(t);
    ASSERT_INT(tc_check_file(TC_DATA_DIR "/good.json", stderr), 0);
    ASSERT_INT(tc_check_file(TC_DATA_DIR "/bad_overlap.json", NULL), 1);
    ASSERT_INT(tc_check_file(TC_DATA_DIR "/missing.json", NULL), -1);
}

TEST(load_should_accept_trailing_comma_before_bracket)
{
    tc_trace *t = load("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                       "'ts':1},\n]");
    ASSERT(t);
    ASSERT(!t->truncated);
    ASSERT_INT(tc_check(t, NULL), 0);
    tc_free(t);
}

TEST(load_should_accept_array_without_closing_bracket)
{
    tc_trace *t = load("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                       "'ts':1}\n");
    ASSERT(t);
    ASSERT(t->truncated);
    ASSERT(!t->dropped_partial);
    ASSERT_INT(t->stats.events, 4);
    ASSERT_INT(tc_check(t, NULL), 0);
    tc_free(t);
}

TEST(load_should_accept_trailing_comma_without_bracket)
{
    tc_trace *t = load("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                       "'ts':1},\n");
    ASSERT(t);
    ASSERT(t->truncated);
    ASSERT(!t->dropped_partial);
    ASSERT_INT(t->stats.events, 4);
    ASSERT_INT(tc_check(t, NULL), 0);
    tc_free(t);
}

TEST(load_should_drop_event_cut_mid_object)
{
    static const char *cuts[] = {
        "{'ph':'i','name':'b','pid':1,'ti",          /* in a key */
        "{'ph':'i','name':'b','pid':1,'tid':1,'ts':2", /* in a number */
        "{'ph':'i','name':'b,}]','args':{'x':[1,{",  /* brackets in a string */
        "{'ph':'i','name':'\\",                      /* in an escape */
        "{",
    };
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        char text[1024];
        snprintf(text, sizeof(text), "[" META "{'ph':'i','name':'a','pid':1,"
                 "'tid':1,'ts':1},\n%s", cuts[i]);
        tc_trace *t = load(text);
        if (!t)
            fprintf(stderr, "    cut %zu: %s\n", i, last_err);
        ASSERT(t);
        ASSERT(t->truncated);
        ASSERT(t->dropped_partial);
        ASSERT_INT(t->stats.events, 4);
        ASSERT_INT(tc_check(t, NULL), 0);
        tc_free(t);
    }
}

TEST(load_should_accept_truncated_file_and_count_open_slices)
{
    char err[1024];
    tc_trace *t = tc_load_file(TC_DATA_DIR "/truncated.json", err,
                               sizeof(err));
    ASSERT(t);
    ASSERT(t->truncated);
    ASSERT(t->dropped_partial);
    ASSERT_INT(t->stats.events, 11);
    ASSERT_INT(tc_check(t, NULL), 0);
    tc_free(t);

    t = load("[" META "{'ph':'B','name':'a','pid':1,'tid':1,'ts':1},"
             "{'ph':'B','name':'b','pid':1,'tid':1,'ts':2},"
             "{'ph':'b','name':'c','cat':'x','id':1,'pid':1,'tid':1,'ts':2},");
    ASSERT(t);
    ASSERT_INT(tc_check(t, NULL), 0);
    ASSERT_INT(t->stats.unclosed, 2);
    ASSERT_INT(t->stats.unclosed_async, 1);
    ASSERT_INT(tc_slice_find(t, 1, 1, "b", 0)->end_ns, TC_OPEN_END);
    tc_free(t);
}

/* Whatever byte a crash cuts the file at, what was written before still
 * loads and passes, or the cut came before the first complete event. */
TEST(load_should_accept_every_prefix_of_a_good_trace)
{
    FILE *f = fopen(TC_DATA_DIR "/good.json", "rb");
    ASSERT(f);
    static char text[1 << 14];
    size_t len = fread(text, 1, sizeof(text), f);
    fclose(f);
    size_t first_end = (size_t)(strchr(text + 2, '\n') - text) - 1;
    for (size_t cut = 1; cut < len; cut++) {
        tc_trace *t = tc_load_buffer(text, cut, "t.json", last_err,
                                     sizeof(last_err));
        if (cut < first_end) {
            ASSERT(!t);
            continue;
        }
        if (!t || tc_check(t, NULL) != 0) {
            fprintf(stderr, "    cut at byte %zu: %s\n", cut,
                    t ? "problems:" : last_err);
            if (t)
                print_problems(t);
        }
        ASSERT(t);
        ASSERT_INT(tc_check(t, NULL), 0);
        ASSERT(t->truncated == (cut < len - 1)); /* the file ends "]\n" */
        tc_free(t);
    }
}

TEST(load_should_reject_truncated_object_form)
{
    const char *json = J("{'traceEvents':[" META "{'ph':'i','name':'a',"
                         "'pid':1,'tid':1,'ts':1},");
    ASSERT(rejected_with(json, strlen(json), "incomplete"));
    ASSERT(strstr(last_err, "t.json:"));
}

TEST(load_should_reject_empty_file)
{
    ASSERT(rejected_with("", 0, "empty file"));
    ASSERT(rejected_with(" \n\t", 3, "empty file"));
}

TEST(load_should_reject_missing_file)
{
    char err[256];
    ASSERT(!tc_load_file(TC_DATA_DIR "/no_such_file.json", err, sizeof(err)));
    ASSERT(strstr(err, "no_such_file.json: cannot open"));
    ASSERT(!tc_load_file(TC_DATA_DIR, err, sizeof(err)));
    ASSERT(strstr(err, "cannot read"));
}

TEST(load_should_reject_binary_garbage)
{
    static const char bin[] = {'\x7f', 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
    ASSERT(rejected_with(bin, sizeof(bin), "t.json:1:1: not a JSON trace"));
    ASSERT(rejected_with("\0\0\0", 3, "byte 0x00"));
    static const char in_array[] = {'[', '{', '"', 'a', '"', ':', '\x80',
                                    '\x81', '}'};
    ASSERT(rejected_with(in_array, sizeof(in_array), "t.json:1:7: invalid"));
}

TEST(load_should_reject_empty_array)
{
    ASSERT(rejected_with("[]", 2, "no events"));
    ASSERT(rejected_with("[ \n ]", 5, "no events"));
    ASSERT(rejected_with("[", 1, "truncated before the first complete event"));
    ASSERT(rejected_with("{\"traceEvents\":[]}", 18, "no events"));
    ASSERT(rejected_with("[{}]", 4, "not a JSON trace"));
}

TEST(load_should_report_position_of_syntax_error)
{
    const char *json = J("[" META "\n{'ph':'i','name':'a','pid':1,'tid':1,"
                         "'ts':1 'x':2},\n{'ph':'i'}]");
    ASSERT(rejected_with(json, strlen(json), "t.json:2:"));
    ASSERT(strstr(last_err, "invalid JSON near"));
}

TEST(load_should_reject_bad_structure_between_events)
{
    const char *json = J("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                         "'ts':1}\n{'ph':'i'}]");
    ASSERT(rejected_with(json, strlen(json), "t.json:2:1: invalid JSON: "
                         "missing ','"));
    json = J("[" META "\n,{'ph':'i'}]");
    ASSERT(rejected_with(json, strlen(json), "t.json:2:1: invalid JSON: "
                         "unexpected ','"));
    json = J("[" META "{'ph':'i','args':{'a':[1}}]");
    ASSERT(rejected_with(json, strlen(json), "unexpected '}'"));
    json = J("[" META "{'ph':'i'}}]");
    ASSERT(rejected_with(json, strlen(json), "unexpected '}'"));
}

TEST(load_should_read_object_form_with_trailing_comma_and_lines)
{
    tc_trace *t = load("{'traceEvents':[\n" META "\n{'ph':'i','name':'a',"
                       "'pid':1,'tid':1,'ts':-1},\n],'metadata':{'x':[1,]}}");
    ASSERT(!t);
    ASSERT(strstr(last_err, "invalid JSON")); /* only traceEvents may */
    ASSERT(fails_with("{'traceEvents':[\n" META "\n{'ph':'i','name':'a',"
                      "'pid':1,'tid':1,'ts':-1},\n]}", "event #3 (line 3, "
                      "ph=i name=a tid=1): ts is negative"));
}

TEST(load_should_reject_nan_and_infinity)
{
    const char *json = J("[" META "\n{'ph':'C','name':'c','pid':1,'tid':1,"
                         "'ts':1,'args':{'v':NaN}}]");
    ASSERT(rejected_with(json, strlen(json), "t.json:2:57: invalid JSON"));
    ASSERT(strstr(last_err, "NaN and Infinity are not JSON"));
    json = J("[" META "{'ph':'C','name':'c','pid':1,'tid':1,'ts':Infinity,"
             "'args':{'v':1}}]");
    ASSERT(rejected_with(json, strlen(json), "NaN and Infinity"));
}

TEST(load_should_reject_object_without_trace_events)
{
    ASSERT(rejected_with("{\"events\":[]}", 13, "no \"traceEvents\" array"));
    ASSERT(rejected_with("{\"traceEvents\":{}}", 18, "traceEvents"));
}

TEST(load_should_reject_data_after_the_trace)
{
    const char *json = J("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                         "'ts':1}] x");
    ASSERT(rejected_with(json, strlen(json), "unexpected data after"));
}

TEST(scan_should_flag_bytes_perfetto_rejects)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'\\uD83D\\uDE00','pid':1,"
                      "'tid':1,'ts':1}]", "line 1 col 228: \\uD83D is a "
                      "surrogate escape"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a\x01','pid':1,'tid':1,"
                      "'ts':1}]", "raw control byte 0x01"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'\xff\xfe','pid':1,"
                      "'tid':1,'ts':1}]", "invalid UTF-8 byte 0xff"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':01}]", "leading zero"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':1}\x01]", "raw control byte 0x01 outside"));
    ASSERT(passes("[" META "{'ph':'i','name':'caf\xc3\xa9 \xf0\x9f\x98\x80 "
                  "\\u00e9','pid':1,'tid':1,'ts':0.5}]"));
}

TEST(check_should_name_event_index_and_line)
{
    ASSERT(fails_with("[" META "\n{'ph':'i','name':'a','pid':'1','tid':1,"
                      "'ts':1}]", "event #3 (line 2, ph=i name=a tid=1): "
                      "pid must be an integer, not a string"));
}

/* ---- rule a: fields ---------------------------------------------------------- */

TEST(check_should_pass_good_trace)
{
    ASSERT(passes("[" META
                  "{'ph':'B','name':'a','cat':'c','pid':1,'tid':1,'ts':1},"
                  "{'ph':'X','name':'x','pid':1,'tid':1,'ts':2,'dur':1},"
                  "{'ph':'i','name':'i','s':'t','pid':1,'tid':1,'ts':2.5},"
                  "{'ph':'E','name':'a','cat':'c','pid':1,'tid':1,'ts':4},"
                  "{'ph':'b','name':'w','cat':'l','id2':{'local':'0x1'},"
                  "'pid':1,'tid':2,'ts':1},"
                  "{'ph':'n','name':'w','cat':'l','id2':{'local':'0x1'},"
                  "'pid':1,'tid':2,'ts':2},"
                  "{'ph':'e','name':'w','cat':'l','id2':{'local':'0x1'},"
                  "'pid':1,'tid':1,'ts':3},"
                  "{'ph':'C','name':'q','pid':1,'tid':1,'ts':1,"
                  "'args':{'d':1,'e':2.5}},"
                  "{'ph':'I','name':'g','s':'g','pid':1,'tid':2,'ts':9}]"));
}

TEST(check_should_reject_non_object_event)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':1}, 5]", "event #4 (line 1, ph=? name=(none) tid=?): an "
                      "event must be an object, not a number"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':1}, {}]", "empty object {}"));
}

TEST(check_should_reject_missing_or_empty_name)
{
    ASSERT(fails_with("[" META "{'ph':'i','pid':1,'tid':1,'ts':1}]",
                      "name is missing"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'','pid':1,'tid':1,"
                      "'ts':1}]", "name is empty"));
    ASSERT(fails_with("[" META "{'ph':'i','name':7,'pid':1,'tid':1,"
                      "'ts':1}]", "name must be a string, not a number"));
    ASSERT(fails_with("[" META "{'ph':'B','name':'a','pid':1,'tid':1,"
                      "'ts':1},{'ph':'E','pid':1,'tid':1,'ts':2}]",
                      "ph=E name=(none) tid=1): name is missing"));
}

TEST(check_should_reject_bad_pid_and_tid)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':'1',"
                      "'ts':1}]", "tid must be an integer, not a string"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':0,"
                      "'ts':1}]", "tid must be an integer in [1, 2^32), got "
                      "0 (Perfetto merges tid 0"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':-3,"
                      "'ts':1}]", "got -3"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':4294967296,"
                      "'tid':1,'ts':1}]", "pid must be an integer in"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1.5,'tid':1,"
                      "'ts':1}]", "got 1.5"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','tid':1,'ts':1}]",
                      "pid is missing"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'ts':1}]",
                      "tid is missing"));
}

TEST(check_should_reject_bad_ts)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1}]",
                      "ts is missing"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':'12'}]", "ts must be a number, not a string"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':-1.5}]", "ts is negative (-1.500)"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':1e300}]", "ts is out of range"));
    /* M events may omit ts; META above has none. */
    ASSERT(passes("[" META "{'ph':'i','name':'a','pid':1,'tid':1,'ts':0}]"));
}

TEST(check_should_reject_non_numeric_dur_tts_tdur)
{
    ASSERT(fails_with("[" META "{'ph':'X','name':'a','pid':1,'tid':1,"
                      "'ts':1,'dur':null}]", "dur must be a number, not null "
                      "(Perfetto then loses this event and every event "
                      "after it)"));
    ASSERT(fails_with("[" META "{'ph':'B','name':'a','pid':1,'tid':1,"
                      "'ts':1,'tts':'3'},{'ph':'E','name':'a','pid':1,"
                      "'tid':1,'ts':2}]", "tts must be a number"));
    ASSERT(fails_with("[" META "{'ph':'X','name':'a','pid':1,'tid':1,"
                      "'ts':1,'dur':1,'tdur':null}]", "tdur must be a "
                      "number"));
}

TEST(check_should_reject_non_object_args)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':1,'tid':1,"
                      "'ts':1,'args':[1]}]", "args must be an object, not "
                      "an array"));
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','cat':3,'pid':1,"
                      "'tid':1,'ts':1}]", "cat must be a string"));
}

/* ---- rule b: phases ---------------------------------------------------------- */

TEST(check_should_reject_phases_perfetto_ignores)
{
    static const char ignored[] = "SFpONDVv()";
    for (const char *c = ignored; *c; c++) {
        char text[512];
        snprintf(text, sizeof(text), "[" META "{'ph':'%c','name':'a',"
                 "'id':1,'pid':1,'tid':1,'ts':1}]", *c);
        ASSERT(fails_with(text, "is ignored by Perfetto"));
    }
    ASSERT(fails_with("[" META "{'ph':'T','name':'a','id':1,'pid':1,"
                      "'tid':1,'ts':1}]", "thread-state event"));
    ASSERT(fails_with("[" META "{'ph':'Z','name':'a','pid':1,'tid':1,"
                      "'ts':1}]", "phase 'Z' is not one of"));
    ASSERT(fails_with("[" META "{'ph':'XX','name':'a','pid':1,'tid':1,"
                      "'ts':1,'dur':1}]", "must be one letter"));
    ASSERT(fails_with("[" META "{'name':'a','pid':1,'tid':1,'ts':1}]",
                      "ph is missing"));
}

TEST(check_should_reject_v1_flows)
{
    ASSERT(fails_with("[" META "{'ph':'s','name':'f','cat':'c','id':'0x1',"
                      "'pid':1,'tid':1,'ts':1}]", "phase 's' is a v1 flow"));
    ASSERT(fails_with("[" META "{'ph':'f','bp':'e','name':'f','cat':'c',"
                      "'id':'0x1','pid':1,'tid':1,'ts':1}]", "v1 flow"));
}

/* ---- rule c: thread-track nesting -------------------------------------------- */

TEST(check_should_reject_partial_overlap)
{
    ASSERT(fails_with("[" META
                      "{'ph':'X','name':'a','pid':1,'tid':1,'ts':0,'dur':10},"
                      "{'ph':'X','name':'b','pid':1,'tid':1,'ts':5,'dur':10}]",
                      "X ends at 15.000, after its enclosing X 'a' (event #3)"
                      " ends at 10.000: slices on a thread must nest"));
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':0},"
                      "{'ph':'X','name':'x','pid':1,'tid':1,'ts':5,'dur':10},"
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':10}]",
                      "while X 'x' (event #4, until 15.000) is still running"));
    ASSERT(fails_with("[" META
                      "{'ph':'X','name':'x','pid':1,'tid':1,'ts':0,'dur':10},"
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':5},"
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':15}]",
                      "B ends at 15.000, after its enclosing X 'x'"));
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':0},"
                      "{'ph':'B','name':'b','pid':1,'tid':1,'ts':5},"
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':10},"
                      "{'ph':'E','name':'b','pid':1,'tid':1,'ts':15}]",
                      "E name=a cat=(none) does not match the open B name=b"));
}

TEST(check_should_accept_nested_and_adjacent_slices)
{
    ASSERT(passes("[" META
                  "{'ph':'X','name':'a','pid':1,'tid':1,'ts':0,'dur':10},"
                  "{'ph':'X','name':'b','pid':1,'tid':1,'ts':10,'dur':5},"
                  "{'ph':'X','name':'c','pid':1,'tid':1,'ts':10,'dur':5},"
                  "{'ph':'X','name':'d','pid':1,'tid':2,'ts':5,'dur':20},"
                  "{'ph':'X','name':'e','pid':1,'tid':1,'ts':12,'dur':0},"
                  "{'ph':'X','name':'f','pid':1,'tid':1,'ts':15,'dur':1}]"));
}

TEST(check_should_nest_x_with_same_start_longest_first)
{
    tc_trace *t = load("[" META
                       "{'ph':'X','name':'short','pid':1,'tid':1,'ts':0,"
                       "'dur':2},"
                       "{'ph':'X','name':'long','pid':1,'tid':1,'ts':0,"
                       "'dur':9}]");
    ASSERT(t);
    ASSERT_INT(tc_check(t, NULL), 0);
    ASSERT_INT(tc_slice_find(t, 1, 1, "long", 0)->depth, 0);
    ASSERT_INT(tc_slice_find(t, 1, 1, "short", 0)->depth, 1);
    tc_free(t);
}

TEST(check_should_reject_e_not_matching_name_or_cat)
{
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':0},"
                      "{'ph':'E','name':'b','pid':1,'tid':1,'ts':1}]",
                      "E name=b cat=(none) does not match the open B name=a "
                      "cat=(none) (event #3)"));
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':0},"
                      "{'ph':'E','name':'a','cat':'c','pid':1,'tid':1,'ts':1}]",
                      "an E with a cat never matches a B without one"));
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','cat':'c','pid':1,'tid':1,'ts':0},"
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':1}]",
                      "E and B must have the same cat"));
    ASSERT(fails_with("[" META
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':1}]",
                      "E without an open B"));
}

TEST(check_should_reject_unclosed_b_in_complete_trace)
{
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':0}]",
                      "ph=B name=a tid=1): B is never closed"));
}

TEST(check_should_reject_zero_length_pair_when_trace_has_x)
{
    ASSERT(fails_with("[" META
                      "{'ph':'X','name':'x','pid':1,'tid':2,'ts':0,'dur':1},"
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':5},"
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':5}]",
                      "zero-length B/E pair (B is event #4)"));
    /* Without any X, ties keep file order and the pair is fine. */
    ASSERT(passes("[" META
                  "{'ph':'B','name':'a','pid':1,'tid':1,'ts':5},"
                  "{'ph':'E','name':'a','pid':1,'tid':1,'ts':5}]"));
}

TEST(check_should_reject_b_and_x_at_same_ts)
{
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'b','pid':1,'tid':1,'ts':0},"
                      "{'ph':'X','name':'x','pid':1,'tid':1,'ts':0,'dur':5},"
                      "{'ph':'E','name':'b','pid':1,'tid':1,'ts':10}]",
                      "Perfetto puts the X first"));
}

TEST(check_should_reject_depth_512)
{
    static char text[60000];
    size_t n = (size_t)snprintf(text, sizeof(text), "[" META);
    for (int i = 0; i < 513; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "{'ph':'B','name':'d','pid':1,'tid':1,"
                              "'ts':%d},", i);
    for (int i = 512; i >= 0; i--)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "{'ph':'E','name':'d','pid':1,'tid':1,"
                              "'ts':%d},", 2000 - i);
    snprintf(text + n - 1, sizeof(text) - n + 1, "]");
    tc_trace *t = load(text);
    ASSERT(t);
    tc_problems p;
    ASSERT_INT(tc_check(t, &p), 1);
    ASSERT(tc_problem_find(&p, "event #515 (line 1, ph=B name=d tid=1): "
                           "nesting depth reaches 512"));
    ASSERT_INT(t->stats.slices, 512);
    tc_free(t);
}

TEST(check_should_reject_negative_or_missing_x_dur)
{
    ASSERT(fails_with("[" META "{'ph':'X','name':'a','pid':1,'tid':1,"
                      "'ts':5,'dur':-1}]", "X has a negative dur (-1.000)"));
    ASSERT(fails_with("[" META "{'ph':'X','name':'a','pid':1,'tid':1,"
                      "'ts':5}]", "X without dur"));
}

/* ---- rule d: async ------------------------------------------------------------ */

TEST(check_should_reject_async_without_id)
{
    ASSERT(fails_with("[" META "{'ph':'b','name':'a','cat':'c','pid':1,"
                      "'tid':1,'ts':1}]", "async event without id or id2"));
    ASSERT(fails_with("[" META "{'ph':'n','name':'a','id2':{'x':1},"
                      "'pid':1,'tid':1,'ts':1}]", "id2 must be"));
    ASSERT(fails_with("[" META "{'ph':'n','name':'a','id':1.5,"
                      "'pid':1,'tid':1,'ts':1}]", "id must be a string or"));
}

TEST(check_should_reject_e_with_other_cat)
{
    ASSERT(fails_with("[" META
                      "{'ph':'b','name':'q','cat':'db','id':7,'pid':1,"
                      "'tid':1,'ts':1},"
                      "{'ph':'e','name':'q','cat':'net','id':7,'pid':1,"
                      "'tid':1,'ts':2}]",
                      "e has no open b with identity cat=net id=7 (an open b "
                      "has cat=db id=7: cat is part of the identity)"));
}

TEST(check_should_reject_improper_async_nesting)
{
    ASSERT(fails_with("[" META
                      "{'ph':'b','name':'x','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':1},"
                      "{'ph':'b','name':'y','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':2},"
                      "{'ph':'e','name':'x','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':3},"
                      "{'ph':'e','name':'y','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':4}]",
                      "b/e of one id must nest"));
    ASSERT(fails_with("[" META
                      "{'ph':'b','name':'x','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':1},"
                      "{'ph':'e','name':'z','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':3}]",
                      "e name=z matches no open b"));
}

TEST(check_should_reject_unclosed_async_in_complete_trace)
{
    ASSERT(fails_with("[" META
                      "{'ph':'b','name':'x','cat':'c','id':1,'pid':1,"
                      "'tid':1,'ts':1}]",
                      "b is never closed by an e with identity cat=c id=1"));
}

TEST(check_should_scope_id2_local_to_pid)
{
    ASSERT(fails_with("[" META
                      "{'ph':'M','name':'process_name','pid':2,'tid':1,"
                      "'args':{'name':'q'}},"
                      "{'ph':'b','name':'x','cat':'c','id2':{'local':1},"
                      "'pid':1,'tid':1,'ts':1},"
                      "{'ph':'e','name':'x','cat':'c','id2':{'local':1},"
                      "'pid':2,'tid':1,'ts':2}]",
                      "e has no open b with identity cat=c id2.local=1 "
                      "pid=2"));
    /* A global id may end on another thread, and an e may omit the name. */
    ASSERT(passes("[" META
                  "{'ph':'b','name':'x','cat':'c','id2':{'global':'0xa'},"
                  "'pid':1,'tid':1,'ts':1},"
                  "{'ph':'e','cat':'c','name':'x','id2':{'global':'0xa'},"
                  "'pid':1,'tid':2,'ts':2}]"));
}

/* ---- rule e: flows ------------------------------------------------------------ */

#define SRC(extra)                                                            \
    "{'ph':'X','name':'src','pid':1,'tid':1,'ts':1,'dur':1" extra "},"
#define DST(extra, ts)                                                        \
    "{'ph':'X','name':'dst','pid':1,'tid':2,'ts':" ts ",'dur':1" extra "}"

TEST(check_should_reject_flow_fields_on_e_and_i)
{
    ASSERT(fails_with("[" META
                      "{'ph':'B','name':'a','pid':1,'tid':1,'ts':0},"
                      "{'ph':'E','name':'a','pid':1,'tid':1,'ts':1,"
                      "'bind_id':1,'flow_out':true}]",
                      "flow fields on a 'E' event: Perfetto ignores flows"));
    ASSERT(fails_with("[" META
                      "{'ph':'i','name':'a','pid':1,'tid':1,'ts':0,"
                      "'bind_id':1,'flow_in':true}]",
                      "flow fields on a 'i' event"));
}

TEST(check_should_reject_bind_id_without_direction)
{
    ASSERT(fails_with("[" META SRC(",'bind_id':1") DST("", "3") "]",
                      "bind_id without flow_in or flow_out"));
    ASSERT(fails_with("[" META SRC(",'bind_id':1,'flow_out':false")
                      DST("", "3") "]", "without flow_in or flow_out"));
    ASSERT(fails_with("[" META SRC(",'flow_out':true") DST("", "3") "]",
                      "flow_in/flow_out without bind_id"));
    ASSERT(fails_with("[" META SRC(",'bind_id':1,'flow_out':1")
                      DST("", "3") "]", "flow_out must be true or false"));
    ASSERT(fails_with("[" META SRC(",'bind_id':'zz','flow_out':true")
                      DST("", "3") "]", "bind_id must be a non-negative "
                      "integer or a hex string"));
}

TEST(check_should_reject_flow_in_without_earlier_flow_out)
{
    ASSERT(fails_with("[" META SRC(",'bind_id':1,'flow_in':true")
                      DST(",'bind_id':1,'flow_out':true", "3") "]",
                      "flow_in with bind_id 1 has no flow_out before it"));
    ASSERT(fails_with("[" META SRC(",'bind_id':2,'flow_out':true")
                      DST(",'bind_id':2,'flow_in':true", "3") ","
                      DST(",'bind_id':2,'flow_in':true", "5") "]",
                      "(its flow_out was consumed by event #4)"));
}

TEST(check_should_reject_duplicate_flow_out)
{
    ASSERT(fails_with("[" META SRC(",'bind_id':1,'flow_out':true")
                      DST(",'bind_id':1,'flow_out':true", "3") "]",
                      "second flow_out with bind_id 1 (the first is event #3"
                      ", not yet consumed)"));
}

TEST(check_should_count_dangling_flow_and_accept_steps)
{
    tc_trace *t = load("[" META SRC(",'bind_id':'0x1f','flow_out':true")
                       DST(",'bind_id':31,'flow_in':true,'flow_out':true",
                           "3") ","
                       "{'ph':'b','name':'op','cat':'c','id':1,'pid':1,"
                       "'tid':1,'ts':5,'bind_id':31,'flow_in':true},"
                       "{'ph':'e','name':'op','cat':'c','id':1,'pid':1,"
                       "'tid':1,'ts':6},"
                       "{'ph':'n','name':'mark','cat':'c','id':1,'pid':1,"
                       "'tid':1,'ts':7,'bind_id':9,'flow_out':true}]");
    ASSERT(t);
    ASSERT_INT(tc_check(t, NULL), 0);
    ASSERT_INT(t->stats.flows, 2);
    ASSERT_INT(t->stats.dangling_flows, 1);
    ASSERT_STR(t->flows[0].from->name, "src");
    ASSERT_STR(t->flows[0].to->name, "dst");
    ASSERT_STR(t->flows[1].from->name, "dst");
    ASSERT_STR(t->flows[1].to->name, "op");
    ASSERT_INT(t->flows[1].to->id_scope, TC_ID);
    ASSERT_INT(t->flows[0].bind_id, 31);
    tc_free(t);
}

/* ---- rules f and g: instants and counters ------------------------------------ */

TEST(check_should_reject_bad_instant_scope)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','s':'x','pid':1,"
                      "'tid':1,'ts':1}]", "instant scope s must be \"t\", "
                      "\"p\" or \"g\", not x"));
    ASSERT(fails_with("[" META "{'ph':'I','name':'a','s':1,'pid':1,"
                      "'tid':1,'ts':1}]", "not a number"));
}

TEST(check_should_reject_non_numeric_counters)
{
    ASSERT(fails_with("[" META "{'ph':'C','name':'c','pid':1,'tid':1,"
                      "'ts':1,'args':{'v':'3'}}]", "counter value args.v is "
                      "a string, not a number"));
    ASSERT(fails_with("[" META "{'ph':'C','name':'c','pid':1,'tid':1,"
                      "'ts':1,'args':{'v':1,'w':null}}]", "args.w is null"));
    ASSERT(fails_with("[" META "{'ph':'C','name':'c','pid':1,'tid':1,"
                      "'ts':1,'args':{}}]", "counter needs a non-empty args"));
    ASSERT(fails_with("[" META "{'ph':'C','name':'c','pid':1,'tid':1,"
                      "'ts':1}]", "counter needs a non-empty args"));
}

/* ---- rule h: metadata --------------------------------------------------------- */

TEST(check_should_require_process_name)
{
    ASSERT(fails_with("[" META "{'ph':'i','name':'a','pid':2,'tid':1,"
                      "'ts':1}]", "pid 2: no process_name metadata event"));
    ASSERT(fails_with("[{'ph':'M','name':'process_name','pid':1,'tid':1,"
                      "'args':{'name':3}}]", "process_name needs args.name"));
}

TEST(check_should_require_thread_name_for_thread_tracks)
{
    ASSERT(fails_with("[" META "{'ph':'X','name':'a','pid':1,'tid':3,"
                      "'ts':1,'dur':1}]", "pid 1 tid 3: no thread_name "
                      "metadata event for a thread with 1 thread-track "
                      "events (first: #3)"));
    ASSERT(fails_with("[" META "{'ph':'M','name':'thread_name','pid':1,"
                      "'tid':3,'args':{'name':null}}]", "thread_name needs "
                      "args.name as a string"));
    /* Async, counter and global-instant events need no thread name. */
    ASSERT(passes("[" META
                  "{'ph':'n','name':'a','id':1,'pid':1,'tid':5,'ts':1},"
                  "{'ph':'C','name':'c','pid':1,'tid':6,'ts':1,"
                  "'args':{'v':1}},"
                  "{'ph':'i','name':'g','s':'p','pid':1,'tid':7,'ts':1}]"));
}

TEST(check_should_require_integer_sort_index)
{
    ASSERT(fails_with("[" META "{'ph':'M','name':'thread_sort_index',"
                      "'pid':1,'tid':1,'args':{'sort_index':'1'}}]",
                      "thread_sort_index needs args.sort_index as an "
                      "integer"));
    ASSERT(fails_with("[" META "{'ph':'M','name':'thread_sort_index',"
                      "'pid':1,'tid':1,'args':{'sort_index':1.5}}]",
                      "sort_index as an integer"));
}

TEST(check_should_cap_stored_problems)
{
    static char text[1 << 16];
    size_t n = (size_t)snprintf(text, sizeof(text), "[" META);
    for (int i = 0; i < 1200; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "{},");
    snprintf(text + n - 1, sizeof(text) - n + 1, "]");
    tc_trace *t = load(text);
    ASSERT(t);
    tc_problems p;
    ASSERT_INT(tc_check(t, &p), 1200);
    ASSERT_INT(p.count, 1200);
    ASSERT_INT(p.total, 1200);
    tc_free(t);
}

/* ---- queries ------------------------------------------------------------------ */

static const char *query_trace =
    "[" META
    "{'ph':'M','name':'thread_name','pid':1,'tid':2,'args':{'name':'w2'}},"
    "{'ph':'M','name':'thread_sort_index','pid':1,'tid':2,"
    "'args':{'sort_index':-5}},"
    "{'ph':'B','name':'run','cat':'t','pid':1,'tid':1,'ts':1,"
    "'args':{'a':1,'b':1}},"
    "{'ph':'X','name':'lock','cat':'m','pid':1,'tid':1,'ts':2,'dur':3.5,"
    "'bind_id':5,'flow_out':true},"
    "{'ph':'i','name':'tick','s':'t','pid':1,'tid':1,'ts':3},"
    "{'ph':'E','name':'run','cat':'t','pid':1,'tid':1,'ts':10.0004,"
    "'args':{'b':2}},"
    "{'ph':'X','name':'wake','pid':1,'tid':2,'ts':6,'dur':1,"
    "'bind_id':5,'flow_in':true},"
    "{'ph':'b','name':'wait','cat':'m','id':'0x2','pid':1,'tid':2,'ts':4,"
    "'args':{'m':'M1'}},"
    "{'ph':'e','name':'wait','cat':'m','id':'0x2','pid':1,'tid':2,'ts':6},"
    "{'ph':'C','name':'queue','pid':1,'tid':1,'ts':2,'args':{'len':3}},"
    "{'ph':'C','name':'queue','pid':1,'tid':1,'ts':1,'args':{'len':1,"
    "'cap':8}},"
    "{'ph':'C','name':'slots','id':4,'pid':1,'tid':1,'ts':1,'args':{'n':2}},"
    "{'ph':'i','name':'found','s':'g','pid':1,'tid':1,'ts':8}]";

TEST(query_should_list_threads_in_sort_order)
{
    tc_trace *t = load(query_trace);
    ASSERT(t);
    ASSERT_INT(tc_check(t, NULL), 0);
    ASSERT_INT(t->n_threads, 2);
    ASSERT_INT(t->threads[0]->tid, 2); /* sort_index -5 comes first */
    ASSERT_INT(t->threads[1]->tid, 1);
    ASSERT_STR(tc_thread_name(t, 1, 2), "w2"); /* the last name wins */
    ASSERT_STR(tc_thread_name(t, 0, 1), "main");
    ASSERT(!tc_thread_name(t, 1, 9));
    ASSERT_STR(tc_process_name(t, 1), "p");
    ASSERT(t->threads[0]->has_sort_index);
    ASSERT_INT(t->threads[0]->sort_index, -5);
    tc_free(t);
}

TEST(query_should_return_thread_slices_in_order)
{
    tc_trace *t = load(query_trace);
    ASSERT(t);
    const tc_thread *th = tc_thread_find(t, 1, 1);
    ASSERT(th);
    ASSERT_INT(th->n_slices, 2);
    const tc_slice *run = th->slices[0], *lock = th->slices[1];
    ASSERT_STR(run->name, "run");
    ASSERT_STR(run->cat, "t");
    ASSERT_INT(run->ph, 'B');
    ASSERT_INT(run->start_ns, 1000);
    ASSERT_INT(run->end_ns, 10000); /* llround(10.0004 * 1000) */
    ASSERT_INT(run->depth, 0);
    ASSERT_INT(tc_slice_arg(run, "a")->valueint, 1);
    ASSERT_INT(tc_slice_arg(run, "b")->valueint, 2); /* E args win */
    ASSERT_STR(lock->name, "lock");
    ASSERT_INT(lock->start_ns, 2000);
    ASSERT_INT(lock->end_ns, 5500);
    ASSERT_INT(lock->depth, 1);
    ASSERT(lock->flow_out && !lock->flow_in);
    ASSERT_INT(lock->bind_id, 5);
    ASSERT_INT(th->n_instants, 1);
    ASSERT_STR(th->instants[0]->name, "tick");
    ASSERT_INT(th->instants[0]->depth, 2);
    ASSERT(tc_slice_find(t, 0, 0, "wake", 0) ==
           tc_thread_find(t, 1, 2)->slices[0]);
    ASSERT(!tc_slice_find(t, 1, 1, "wake", 0));
    ASSERT_INT(tc_slice_count(t, 0, 0, "lock"), 1);
    ASSERT_INT(t->stats.slices, 3);
    tc_free(t);
}

TEST(query_should_return_async_slices)
{
    tc_trace *t = load(query_trace);
    ASSERT(t);
    ASSERT_INT(t->n_async, 1);
    const tc_slice *w = tc_async_find(t, "wait", 0);
    ASSERT(w);
    ASSERT_INT(w->ph, 'b');
    ASSERT_STR(w->async_id, "0x2");
    ASSERT_INT(w->id_scope, TC_ID);
    ASSERT_INT(w->start_ns, 4000);
    ASSERT_INT(w->end_ns, 6000);
    ASSERT_INT(w->tid, 2);
    ASSERT_STR(cJSON_GetStringValue(tc_slice_arg(w, "m")), "M1");
    ASSERT(!tc_async_find(t, "wait", 1));
    tc_free(t);
}

TEST(query_should_return_flows)
{
    tc_trace *t = load(query_trace);
    ASSERT(t);
    ASSERT_INT(t->n_flows, 1);
    const tc_flow *f = tc_flow_find(t, "lock", 0);
    ASSERT(f);
    ASSERT_INT(f->bind_id, 5);
    ASSERT_INT(f->from->tid, 1);
    ASSERT_INT(f->from->start_ns, 2000);
    ASSERT_STR(f->to->name, "wake");
    ASSERT_INT(f->to->tid, 2);
    ASSERT_INT(f->to->start_ns, 6000);
    ASSERT_INT(t->stats.dangling_flows, 0);
    tc_free(t);
}

TEST(query_should_return_counter_series_by_track)
{
    tc_trace *t = load(query_trace);
    ASSERT(t);
    ASSERT_INT(t->n_counters, 3);
    const tc_counter *len = tc_counter_find(t, 1, "queue len");
    ASSERT(len);
    ASSERT_INT(len->n_samples, 2);
    ASSERT_INT(len->samples[0].ts_ns, 1000); /* by time, not file order */
    ASSERT(len->samples[0].value == 1);
    ASSERT_INT(len->samples[1].ts_ns, 2000);
    ASSERT(len->samples[1].value == 3);
    ASSERT(tc_counter_find(t, 0, "queue cap"));
    ASSERT(tc_counter_find(t, 1, "slots id: 4 n"));
    ASSERT_STR(t->counters[0]->track, "queue cap");
    ASSERT(!tc_counter_find(t, 2, "queue len"));
    ASSERT_INT(t->stats.samples, 4);
    tc_free(t);
}

TEST(query_should_return_instants)
{
    tc_trace *t = load(query_trace);
    ASSERT(t);
    ASSERT_INT(t->n_instants, 2);
    ASSERT_STR(t->instants[0]->name, "tick");
    ASSERT_INT(t->instants[0]->scope, 't');
    const tc_instant *g = tc_instant_find(t, "found", 0);
    ASSERT(g);
    ASSERT_INT(g->scope, 'g');
    ASSERT_INT(g->ts_ns, 8000);
    ASSERT_INT(tc_thread_find(t, 1, 1)->n_instants, 1);
    tc_free(t);
}

TEST(query_should_summarise_good_file)
{
    char err[1024];
    tc_trace *t = tc_load_file(TC_DATA_DIR "/good.json", err, sizeof(err));
    ASSERT(t);
    ASSERT_INT(t->stats.threads, 2);
    ASSERT_INT(t->stats.slices, 5);
    ASSERT_INT(t->stats.async_slices, 1);
    ASSERT_INT(t->stats.flows, 1);
    ASSERT_INT(t->stats.counters, 1);
    ASSERT_INT(t->stats.samples, 2);
    ASSERT_INT(t->stats.instants, 2);
    ASSERT_STR(t->threads[0]->name, "worker-1");
    const tc_slice *hold = tc_slice_find(t, 1, 2, "hold M1", 0);
    ASSERT(hold);
    ASSERT_INT(hold->depth, 1);
    ASSERT_STR(t->flows[0].to->name, "worker");
    tc_free(t);
}

/* ---- main --------------------------------------------------------------------- */

static int run(const test_case *c)
{
    failed = 0;
    c->fn();
    printf("%s %s\n", failed ? "FAIL" : "ok  ", c->name);
    return failed;
}

int main(int argc, char **argv)
{
    int failures = 0;
    if (argc == 1) {
        for (size_t i = 0; i < n_cases; i++)
            failures += run(&cases[i]);
        printf("%zu tests, %d failed\n", n_cases, failures);
        return failures ? 1 : 0;
    }
    for (int a = 1; a < argc; a++) {
        size_t i = 0;
        while (i < n_cases && strcmp(cases[i].name, argv[a]) != 0)
            i++;
        if (i == n_cases) {
            fprintf(stderr, "no test named %s\n", argv[a]);
            return 2;
        }
        failures += run(&cases[i]);
    }
    return failures ? 1 : 0;
}
