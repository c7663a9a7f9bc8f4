/*
 * tv_report_findings.c — the detectors' findings (instants of cat
 * "finding"), grouped by kind, repeated reports of one id collapsed.
 * The model keeps no args; tv_model_event() gives each finding's event from
 * the loader's copy (findings are few), so this works for a pipe or a trace
 * still being written too.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tv_report_int.h"

const char *const tv_rep_kind_key[TV_REP_NKINDS] = {
    "races", "lock_order", "deadlocks", "hangs", "misuse", "task_failures", "other_findings",
};

static const char *const kind_name[TV_REP_NKINDS - 1] = {
    "data race", "lock order inversion", "deadlock", "hang", "misuse", "unobserved task failure",
};

static int kind_of(const char *s) {
    for (int k = 0; k < TV_REP_NKINDS - 1; k++)
        if (!strcmp(s, kind_name[k])) return k;
    return TV_REP_OTHER;
}

static int64_t num_or(const cJSON *o, const char *key, int64_t dflt) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9.2e18 && v->valuedouble <= 9.2e18)) return dflt;
    return (int64_t)v->valuedouble;
}

/* Fills f from the finding's event; -1 out of memory. */
static int read_finding(const tv_model *m, const tv_mark *mk, const tv_finding *fd,
                        tv_rep_finding *f) {
    f->kind_name = tv_model_str(m, fd->kind);
    f->kind = kind_of(f->kind_name);
    f->ts = mk->ts;
    f->pid = mk->pid;
    f->tid = mk->lane != TV_NO_LANE && mk->lane < m->nlanes ? m->lanes[mk->lane].tid : -1;
    f->message = tv_model_str(m, mk->name);
    cJSON *ev = tv_model_event(m, mk->src);
    cJSON *args = ev ? cJSON_DetachItemFromObjectCaseSensitive(ev, "args") : NULL;
    if (ev) f->tid = num_or(ev, "tid", f->tid);
    cJSON_Delete(ev);
    if (args && !cJSON_IsObject(args)) {
        cJSON_Delete(args);
        args = NULL;
    }
    if (!args && !(args = cJSON_CreateObject())) return -1;
    f->args = args;
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(args, "message");
    if (cJSON_IsString(msg) && msg->valuestring) f->message = msg->valuestring;
    f->id = num_or(args, "id", -1);
    f->count = num_or(args, "count", 1);
    return 0;
}

int tv_rep_findings(tv_rep *r) {
    const tv_model *m = r->m;
    if (!m->nfindings) return 0;
    r->findings = calloc(m->nfindings, sizeof *r->findings);
    if (!r->findings) return -1;
    tv_map seen; /* (pid, args.id) -> index in r->findings */
    if (tv_map_init(&seen, 64)) return -1;
    int rc = 0;
    for (size_t i = 0; i < m->nfindings && !rc; i++) {
        tv_rep_finding f;
        memset(&f, 0, sizeof f);
        if (read_finding(m, &m->findings_marks[m->findings[i].mark], &m->findings[i], &f)) {
            rc = -1;
            break;
        }
        size_t at = f.id >= 0 ? tv_map_find(&seen, f.pid, (uint64_t)f.id) : TV_NONE;
        if (at < r->nfindings && r->findings[at].pid == f.pid && r->findings[at].id == f.id) {
            /* The same finding reported again: keep the latest count. */
            tv_rep_finding *old = &r->findings[at];
            if (f.count > old->count) {
                /* A race happened where it was first reported; a later
                 * report only counts its repeats. */
                if (f.kind == TV_REP_RACE && old->kind == TV_REP_RACE) f.ts = old->ts, f.tid = old->tid;
                cJSON_Delete(old->args);
                *old = f;
            } else {
                cJSON_Delete(f.args);
            }
            continue;
        }
        uint32_t *v = f.id >= 0 ? tv_map_get(&seen, f.pid, (uint64_t)f.id, NULL) : NULL;
        if (v) *v = (uint32_t)r->nfindings;
        else if (f.id >= 0) rc = -1;
        r->findings[r->nfindings++] = f;
    }
    tv_map_free(&seen);
    return rc;
}
