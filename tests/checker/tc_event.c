/*
 * tc_event.c — the rules about one event's own fields (trace-format.md
 * sections 2 and 3): rule a (required fields and their types), b (phases),
 * e (the shape of v2 flow fields), f (instant scope), g (counter args).
 *
 * An event that breaks a rule needed to place it in time or on a track is
 * marked not placeable: it is reported once here and left out of the
 * nesting simulation, so one bad field does not cascade into more problems.
 */
#include "tc_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TWO_POW_32 4294967296.0
#define TWO_POW_53 9007199254740992.0
#define MAX_US 9.2e12 /* ts*1000 must fit in int64 nanoseconds */

static const cJSON *field(const tc__event *ev, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(ev->json, key);
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "a number";
}

const char *tc__us(int64_t ns, char buf[32])
{
    const char *sign = ns < 0 ? "-" : "";
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    snprintf(buf, 32, "%s%" PRIu64 ".%03u", sign, a / 1000,
             (unsigned)(a % 1000));
    return buf;
}

void tc__id_text(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v))
        snprintf(buf, n, "%s", v->valuestring);
    else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble))
        snprintf(buf, n, "%.0f", v->valuedouble);
    else if (cJSON_IsNumber(v))
        snprintf(buf, n, "%.17g", v->valuedouble);
    else
        snprintf(buf, n, "?");
}

/* Rule b: the phases our traces may use. */
static bool check_phase(tc__model *m, const tc__event *ev)
{
    char c = ev->ph;
    if (strchr("BEXiICMben", c))
        return true;
    if (c == 'T')
        tc__event_problem(m, ev, "phase 'T' is ignored: in Perfetto 'T' is "
                          "a thread-state event, not an async step");
    else if (strchr("SFpONDVv()", c))
        tc__event_problem(m, ev, "phase '%c' is ignored by Perfetto (the "
                          "event is lost)", c);
    else if (strchr("stf", c))
        tc__event_problem(m, ev, "phase '%c' is a v1 flow: use v2 flows "
                          "(bind_id with flow_out/flow_in on the slice)", c);
    else
        tc__event_problem(m, ev, "phase '%c' is not one of B E X i I C M b "
                          "e n", c);
    return false;
}

static bool read_ph(tc__model *m, tc__event *ev)
{
    const cJSON *v = field(ev, "ph");
    if (!v) {
        tc__event_problem(m, ev, "ph is missing (Perfetto drops the event)");
        return false;
    }
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        tc__event_problem(m, ev, "ph must be a one-letter string, not %s",
                          cJSON_IsString(v) ? "empty" : type_name(v));
        return false;
    }
    ev->ph = v->valuestring[0];
    if (v->valuestring[1]) {
        tc__event_problem(m, ev, "ph \"%.20s\" must be one letter (Perfetto "
                          "reads only the first)", v->valuestring);
        return false;
    }
    return check_phase(m, ev);
}

static void read_name(tc__model *m, tc__event *ev)
{
    const cJSON *v = field(ev, "name");
    if (cJSON_IsString(v))
        ev->name = tc__intern(m, v->valuestring);
    if (!v)
        tc__event_problem(m, ev, "name is missing (E included: DevTools "
                          "crashes and speedscope cannot match it)");
    else if (!cJSON_IsString(v))
        tc__event_problem(m, ev, "name must be a string, not %s",
                          type_name(v));
    else if (!v->valuestring[0])
        tc__event_problem(m, ev, "name is empty (Perfetto shows "
                          "[No name])");

    const cJSON *cat = field(ev, "cat");
    if (cat && !cJSON_IsString(cat))
        tc__event_problem(m, ev, "cat must be a string, not %s",
                          type_name(cat));
    else if (cat && cat->valuestring[0])
        ev->cat = tc__intern(m, cat->valuestring);
}

/* Rule a for pid and tid: an integer in [1, 2^32). */
static bool read_id(tc__model *m, tc__event *ev, const char *key,
                    uint32_t *out)
{
    const cJSON *v = field(ev, key);
    if (!v) {
        tc__event_problem(m, ev, "%s is missing", key);
        return false;
    }
    if (!cJSON_IsNumber(v)) {
        tc__event_problem(m, ev, "%s must be an integer, not %s%s", key,
                          type_name(v), cJSON_IsString(v)
                              ? " (Perfetto turns a string id into a name "
                                "and invents a number)" : "");
        return false;
    }
    double d = v->valuedouble;
    if (d != floor(d) || d < 1 || d >= TWO_POW_32) {
        tc__event_problem(m, ev, "%s must be an integer in [1, 2^32), got "
                          "%.17g%s", key, d, d < 1 && !strcmp(key, "tid")
                              ? " (Perfetto merges tid 0 or negative into "
                                "the pid's main thread)" : "");
        return false;
    }
    *out = (uint32_t)d;
    return true;
}

/* Reads a time field in microseconds into nanoseconds. absent: 0 ok. */
static bool read_time(tc__model *m, tc__event *ev, const char *key,
                      bool *has, int64_t *ns)
{
    const cJSON *v = field(ev, key);
    *has = false;
    if (!v)
        return true;
    if (!cJSON_IsNumber(v)) {
        tc__event_problem(m, ev, "%s must be a number, not %s%s", key,
                          type_name(v), strcmp(key, "ts")
                              ? " (Perfetto then loses this event and every "
                                "event after it)" : "");
        return false;
    }
    double us = v->valuedouble;
    if (!isfinite(us) || fabs(us) > MAX_US) {
        tc__event_problem(m, ev, "%s is out of range: %g", key, us);
        return false;
    }
    *has = true;
    *ns = llround(us * 1000);
    return true;
}

static bool read_times(tc__model *m, tc__event *ev)
{
    bool ok = read_time(m, ev, "ts", &ev->has_ts, &ev->ts);
    if (ok && !ev->has_ts && ev->ph != 'M') {
        tc__event_problem(m, ev, "ts is missing (Perfetto drops the event; "
                          "only M events may omit it)");
        ok = false;
    }
    if (ok && ev->has_ts && ev->ts < 0) {
        char us[32];
        tc__event_problem(m, ev, "ts is negative (%s): Perfetto drops the "
                          "event", tc__us(ev->ts, us));
        ok = false;
    }
    bool has;
    int64_t ignored;
    ok &= read_time(m, ev, "dur", &ev->has_dur, &ev->dur);
    ok &= read_time(m, ev, "tts", &has, &ignored);
    ok &= read_time(m, ev, "tdur", &has, &ignored);
    return ok;
}

/* Keeps args, detached: the rest of the event's cJSON is freed. */
static void read_args(tc__model *m, tc__event *ev)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(ev->json, "args");
    if (cJSON_IsObject(v))
        ev->args = cJSON_DetachItemViaPointer(ev->json, v);
    else if (v)
        tc__event_problem(m, ev, "args must be an object, not %s (Perfetto "
                          "ignores it)", type_name(v));
}

static bool check_x(tc__model *m, const tc__event *ev)
{
    char us[32];
    if (!ev->has_dur) {
        if (!field(ev, "dur")) /* a bad dur was reported already */
            tc__event_problem(m, ev, "X without dur (Perfetto records "
                              "json_parser_failure)");
        return false;
    }
    if (ev->dur < 0) {
        tc__event_problem(m, ev, "X has a negative dur (%s): Perfetto drops "
                          "the slice", tc__us(ev->dur, us));
        return false;
    }
    return true;
}

/* Rule f: s, when present, is "t", "p" or "g". */
static bool check_instant(tc__model *m, tc__event *ev)
{
    const cJSON *s = field(ev, "s");
    ev->scope = 't';
    if (!s)
        return true;
    if (cJSON_IsString(s) && strlen(s->valuestring) == 1 &&
        strchr("tpg", s->valuestring[0])) {
        ev->scope = s->valuestring[0];
        return true;
    }
    tc__event_problem(m, ev, "instant scope s must be \"t\", \"p\" or \"g\", "
                      "not %s%.20s", cJSON_IsString(s) ? "" : type_name(s),
                      cJSON_IsString(s) ? s->valuestring : "");
    return false;
}

static bool is_id(const cJSON *v)
{
    return cJSON_IsString(v) ||
           (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble));
}

/* Keeps the text of a valid id for async identities and counter track
 * names. Always returns true, so that callers can return it. */
static bool keep_id(tc__model *m, tc__event *ev, tc_id_scope scope,
                    const cJSON *id)
{
    char text[128];
    tc__id_text(id, text, sizeof(text));
    ev->id_scope = scope;
    ev->id = tc__intern(m, text);
    return true;
}

/* Rule g: a non-empty object of numbers. An id names the track. */
static bool check_counter(tc__model *m, tc__event *ev)
{
    const cJSON *id = field(ev, "id");
    if (id && !is_id(id)) {
        tc__event_problem(m, ev, "id must be a string or an integer, not %s",
                          type_name(id));
        return false;
    }
    if (id)
        keep_id(m, ev, TC_ID, id);
    if (!ev->args || !ev->args->child) {
        tc__event_problem(m, ev, "counter needs a non-empty args object "
                          "(Perfetto records json_parser_failure)");
        return false;
    }
    bool ok = true;
    for (const cJSON *a = ev->args->child; a; a = a->next) {
        if (cJSON_IsNumber(a) && isfinite(a->valuedouble))
            continue;
        tc__event_problem(m, ev, "counter value args.%s is %s, not a "
                          "number", a->string, cJSON_IsNumber(a)
                              ? "out of range" : type_name(a));
        ok = false;
    }
    return ok;
}

/* Rule d, first half: an async event needs id or id2 (and pid, checked
 * with the other ids). */
static bool check_async_id(tc__model *m, tc__event *ev)
{
    const cJSON *id = field(ev, "id"), *id2 = field(ev, "id2");
    if (!id && !id2) {
        tc__event_problem(m, ev, "async event without id or id2 (Perfetto "
                          "records json_parser_failure)");
        return false;
    }
    if (id && !is_id(id)) {
        tc__event_problem(m, ev, "id must be a string or an integer, not %s",
                          type_name(id));
        return false;
    }
    if (id)
        return keep_id(m, ev, TC_ID, id);
    const cJSON *local = cJSON_GetObjectItemCaseSensitive(id2, "local");
    const cJSON *global = cJSON_GetObjectItemCaseSensitive(id2, "global");
    if (!cJSON_IsObject(id2) || (!local == !global) ||
        !is_id(local ? local : global)) {
        tc__event_problem(m, ev, "id2 must be {\"local\": id} or "
                          "{\"global\": id} with a string or integer id");
        return false;
    }
    return local ? keep_id(m, ev, TC_ID2_LOCAL, local)
                 : keep_id(m, ev, TC_ID2_GLOBAL, global);
}

static bool check_phase_fields(tc__model *m, tc__event *ev)
{
    switch (ev->ph) {
    case 'X':
        return check_x(m, ev);
    case 'i': case 'I':
        return check_instant(m, ev);
    case 'C':
        return check_counter(m, ev);
    case 'b': case 'e': case 'n':
        return check_async_id(m, ev);
    default:
        return true;
    }
}

/* A bind_id: an integer exact in a double, or a hex string (parser.cc). */
static bool read_bind_id(tc__model *m, tc__event *ev, const cJSON *v)
{
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && d >= 0 && d < TWO_POW_53) {
            ev->bind_id = (uint64_t)d;
            return true;
        }
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            s += 2;
        size_t n = strspn(s, "0123456789abcdefABCDEF");
        if (n && n <= 16 && !s[n]) {
            sscanf(s, "%" SCNx64, &ev->bind_id);
            return true;
        }
    }
    tc__event_problem(m, ev, "bind_id must be a non-negative integer or a "
                      "hex string (Perfetto parses string ids as hex)");
    return false;
}

static bool read_flag(tc__model *m, const tc__event *ev, const char *key,
                      bool *out)
{
    const cJSON *v = field(ev, key);
    if (v && !cJSON_IsBool(v)) {
        tc__event_problem(m, ev, "%s must be true or false, not %s", key,
                          type_name(v));
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

/* Rule e, per event: where flow fields may appear and what they hold. */
static void read_flow(tc__model *m, tc__event *ev)
{
    const cJSON *bind = field(ev, "bind_id");
    bool in, out;
    if (!bind && !field(ev, "flow_in") && !field(ev, "flow_out"))
        return;
    if (!strchr("BXbn", ev->ph)) {
        tc__event_problem(m, ev, "flow fields on a '%c' event: Perfetto "
                          "ignores flows except on B, X, b and n", ev->ph);
        return;
    }
    if (!read_flag(m, ev, "flow_in", &in) ||
        !read_flag(m, ev, "flow_out", &out))
        return;
    if (!bind) {
        tc__event_problem(m, ev, "flow_in/flow_out without bind_id");
        return;
    }
    if (!read_bind_id(m, ev, bind))
        return;
    if (!in && !out) {
        tc__event_problem(m, ev, "bind_id without flow_in or flow_out "
                          "(Perfetto records flow_without_direction)");
        return;
    }
    ev->has_bind = true;
    ev->flow_in = in;
    ev->flow_out = out;
}

/* Fills ph, name and tid early, for the labels of the first messages. */
static void peek_label(tc__model *m, tc__event *ev)
{
    const cJSON *ph = field(ev, "ph"), *name = field(ev, "name");
    const cJSON *tid = field(ev, "tid");
    if (cJSON_IsString(ph))
        ev->ph = ph->valuestring[0];
    if (cJSON_IsString(name))
        ev->name = tc__intern(m, name->valuestring);
    if (cJSON_IsNumber(tid) && tid->valuedouble >= 0 &&
        tid->valuedouble < TWO_POW_32)
        ev->tid = (uint32_t)tid->valuedouble;
}

static void read_fields(tc__model *m, tc__event *ev)
{
    peek_label(m, ev);
    bool ph_ok = read_ph(m, ev);
    read_name(m, ev);
    bool ok = ph_ok;
    ok &= read_id(m, ev, "pid", &ev->pid);
    ok &= read_id(m, ev, "tid", &ev->tid);
    ok &= read_times(m, ev);
    read_args(m, ev);
    if (ph_ok) {
        ok &= check_phase_fields(m, ev);
        read_flow(m, ev);
    }
    ev->placeable = ok;
}

void tc__read_event(tc__model *m, tc__event *ev, cJSON *json)
{
    ev->name = "";
    ev->json = json;
    if (!cJSON_IsObject(json))
        tc__event_problem(m, ev, "an event must be an object, not %s",
                          type_name(json));
    else if (!json->child)
        tc__event_problem(m, ev, "empty object {} (Perfetto skips it)");
    else
        read_fields(m, ev);
    ev->json = NULL;
}
