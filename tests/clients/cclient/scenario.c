/*
 * scenario.c drives one fixed scenario through Apache ZooKeeper's C client
 * (libzookeeper-mt, the library behind cli_mt and most non-JVM bindings) and
 * prints one line per observation. The Go test compiles it, runs it against
 * Apache ZooKeeper and against Corral, normalizes the markers below and
 * requires the same transcript.
 *
 * Values that legitimately differ between servers are printed as markers the
 * test replaces by names of first appearance: #z<zxid>, #s<session id>,
 * #o<ephemeralOwner>, #t<time in ms>.
 *
 * Usage: scenario PROXY_ADDR DIRECT_ADDR
 * The main handle goes through PROXY_ADDR, a TCP proxy owned by the test, so
 * that the connection can be cut without touching the server. The program
 * prints "@cut" / "@heal" and waits for a line on stdin once the test has
 * done that. Every wait is bounded: a hang exits non-zero naming its step.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zookeeper/zookeeper.h>

#define WAIT_MS 20000
#define SESSION_MS 15000
#define QCAP 256
#define AWAY 60 /* watches set before a cut */

/* An event delivered to a watcher, queued for the main thread so that the
 * transcript is printed in one thread, in delivery order. */
struct event {
	const char *tag; /* the watcher context: which handle or watch */
	int type, state;
	char path[256];
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct event queue[QCAP];
static int qhead, qtail;

static void fail(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(2);
}

/* watcher queues every event. Session events reaching a node watcher are
 * dropped: the C client hands them to every registered watcher, and the
 * transcript follows them on the handle's default watcher only. */
static void watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
	(void)zh;
	const char *tag = ctx ? (const char *)ctx : "?";
	if (type == ZOO_SESSION_EVENT && strncmp(tag, "handle", 6) != 0)
		return;
	pthread_mutex_lock(&mu);
	if (qtail - qhead < QCAP) {
		struct event *e = &queue[qtail % QCAP];
		e->tag = tag;
		e->type = type;
		e->state = state;
		snprintf(e->path, sizeof e->path, "%s", path ? path : "");
		qtail++;
	}
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static const char *type_name(int t) {
	if (t == ZOO_CREATED_EVENT) return "CREATED";
	if (t == ZOO_DELETED_EVENT) return "DELETED";
	if (t == ZOO_CHANGED_EVENT) return "CHANGED";
	if (t == ZOO_CHILD_EVENT) return "CHILD";
	if (t == ZOO_SESSION_EVENT) return "SESSION";
	if (t == ZOO_NOTWATCHING_EVENT) return "NOTWATCHING";
	return "UNKNOWN";
}

static const char *state_name(int s) {
	if (s == ZOO_CONNECTED_STATE) return "CONNECTED";
	if (s == ZOO_CONNECTING_STATE) return "CONNECTING";
	if (s == ZOO_ASSOCIATING_STATE) return "ASSOCIATING";
	if (s == ZOO_EXPIRED_SESSION_STATE) return "EXPIRED";
	if (s == ZOO_AUTH_FAILED_STATE) return "AUTH_FAILED";
	if (s == ZOO_READONLY_STATE) return "READONLY";
	if (s == ZOO_NOTCONNECTED_STATE) return "NOTCONNECTED";
	if (s == 0) return "0";
	return "UNKNOWN";
}

static void deadline(struct timespec *ts, int ms) {
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* next_node_event waits for the next node event (session events on the
 * default watchers are skipped: how many CONNECTING events a reconnect
 * produces depends on timing) and prints it. */
static void next_node_event(const char *step) {
	struct timespec ts;
	deadline(&ts, WAIT_MS);
	pthread_mutex_lock(&mu);
	for (;;) {
		while (qhead < qtail) {
			struct event e = queue[qhead % QCAP];
			qhead++;
			if (e.type == ZOO_SESSION_EVENT)
				continue;
			pthread_mutex_unlock(&mu);
			printf("  event %s %s %s\n", e.tag, type_name(e.type), e.path);
			return;
		}
		if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&mu);
			fail("%s: no node event within %d ms", step, WAIT_MS);
		}
	}
}

/* drain_node_events prints the node events already delivered. Called right
 * after a synchronous call on the same handle returned, it sees every event
 * the server sent before that reply: the C client runs watchers and
 * completions in one thread, in arrival order. */
static void drain_node_events(void) {
	pthread_mutex_lock(&mu);
	while (qhead < qtail) {
		struct event e = queue[qhead % QCAP];
		qhead++;
		if (e.type != ZOO_SESSION_EVENT)
			printf("  event %s %s %s\n", e.tag, type_name(e.type), e.path);
	}
	pthread_mutex_unlock(&mu);
}

/* wait_state waits until a session event of handle tag reports state; other
 * session events on the way are dropped (their number depends on timing),
 * node events stay queued. */
static void wait_state(const char *tag, int state, const char *step) {
	struct timespec ts;
	deadline(&ts, WAIT_MS);
	pthread_mutex_lock(&mu);
	for (;;) {
		for (int i = qhead; i < qtail; i++) {
			struct event *e = &queue[i % QCAP];
			if (e->type != ZOO_SESSION_EVENT || strcmp(e->tag, tag) != 0)
				continue;
			int got = e->state;
			/* remove this and every earlier session event of tag */
			int w = qhead;
			for (int r = qhead; r < qtail; r++) {
				struct event *x = &queue[r % QCAP];
				if (r <= i && x->type == ZOO_SESSION_EVENT && strcmp(x->tag, tag) == 0)
					continue;
				queue[w % QCAP] = *x;
				w++;
			}
			qtail = w;
			i = qhead - 1;
			if (got == state) {
				pthread_mutex_unlock(&mu);
				return;
			}
		}
		if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&mu);
			fail("%s: %s did not reach state %s within %d ms", step, tag, state_name(state), WAIT_MS);
		}
	}
}

static void print_stat(const struct Stat *s) {
	printf("{czxid=#z%lld mzxid=#z%lld pzxid=#z%lld ctime=#t%lld mtime=#t%lld version=%d cversion=%d aversion=%d owner=#o%lld dataLength=%d numChildren=%d}",
	       (long long)s->czxid, (long long)s->mzxid, (long long)s->pzxid, (long long)s->ctime,
	       (long long)s->mtime, s->version, s->cversion, s->aversion, (long long)s->ephemeralOwner,
	       s->dataLength, s->numChildren);
}

static void print_acl(const struct ACL_vector *v) {
	printf("[");
	for (int i = 0; i < v->count; i++)
		printf("%s%s:%s:%d", i ? " " : "", v->data[i].id.scheme, v->data[i].id.id, v->data[i].perms);
	printf("]");
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void print_children(struct String_vector *v) {
	qsort(v->data, (size_t)v->count, sizeof(char *), cmp_str);
	printf("[");
	for (int i = 0; i < v->count; i++)
		printf("%s%s", i ? " " : "", v->data[i]);
	printf("]");
}

/* await_gone polls until the server has removed path on its own (bounded). */
static void await_gone(zhandle_t *zh, const char *path, const char *what) {
	struct Stat st;
	for (int i = 0; i < WAIT_MS / 50; i++) {
		int rc = zoo_exists(zh, path, 0, &st);
		if (rc == ZNONODE) {
			printf("%s %s removed by the server\n", what, path);
			return;
		}
		if (rc != ZOK)
			fail("await_gone %s: %s", path, zerror(rc));
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	fail("%s %s still there after %d ms", what, path, WAIT_MS);
}

static zhandle_t *connect_handle(const char *addr, const char *tag, const clientid_t *id) {
	zhandle_t *zh = zookeeper_init(addr, watcher, SESSION_MS, id, (void *)tag, 0);
	if (!zh)
		fail("zookeeper_init %s: %s", tag, strerror(errno));
	return zh;
}

/* create2 creates with a mode and prints the outcome, the created path and
 * its stat; ttl > 0 selects the TTL variant. */
static void create2(zhandle_t *zh, const char *path, const char *data, int mode, int64_t ttl,
		    const struct ACL_vector *acl) {
	char out[256] = "";
	struct Stat st;
	memset(&st, 0, sizeof st);
	int rc = ttl > 0 ? zoo_create2_ttl(zh, path, data, data ? (int)strlen(data) : -1, acl, mode, ttl, out,
					   sizeof out, &st)
			 : zoo_create2(zh, path, data, data ? (int)strlen(data) : -1, acl, mode, out, sizeof out, &st);
	printf("create %s mode=%d ttl=%lld -> %s", path, mode, (long long)ttl, zerror(rc));
	if (rc == ZOK) {
		printf(" %s ", out);
		print_stat(&st);
	}
	printf("\n");
}

static void get(zhandle_t *zh, const char *label, const char *path) {
	char buf[512];
	int len = sizeof buf - 1;
	struct Stat st;
	int rc = zoo_get(zh, path, 0, buf, &len, &st);
	printf("get %s %s -> %s", label, path, zerror(rc));
	if (rc == ZOK) {
		buf[len < 0 ? 0 : len] = 0;
		printf(" len=%d data=%s ", len, len < 0 ? "(null)" : buf);
		print_stat(&st);
	}
	printf("\n");
}

static void set2(zhandle_t *zh, const char *path, const char *data, int version) {
	struct Stat st;
	int rc = zoo_set2(zh, path, data, (int)strlen(data), version, &st);
	printf("set %s %s version=%d -> %s", path, data, version, zerror(rc));
	if (rc == ZOK) {
		printf(" ");
		print_stat(&st);
	}
	printf("\n");
}

static void exists(zhandle_t *zh, const char *label, const char *path) {
	struct Stat st;
	int rc = zoo_exists(zh, path, 0, &st);
	printf("exists %s %s -> %s", label, path, zerror(rc));
	if (rc == ZOK) {
		printf(" ");
		print_stat(&st);
	}
	printf("\n");
}

static void children2(zhandle_t *zh, const char *path) {
	struct String_vector v;
	struct Stat st;
	int rc = zoo_get_children2(zh, path, 0, &v, &st);
	printf("children %s -> %s", path, zerror(rc));
	if (rc == ZOK) {
		printf(" ");
		print_children(&v);
		printf(" ");
		print_stat(&st);
		deallocate_String_vector(&v);
	}
	printf("\n");
}

static void get_acl(zhandle_t *zh, const char *label, const char *path) {
	struct ACL_vector acl;
	struct Stat st;
	int rc = zoo_get_acl(zh, path, &acl, &st);
	printf("getacl %s %s -> %s", label, path, zerror(rc));
	if (rc == ZOK) {
		printf(" ");
		print_acl(&acl);
		printf(" aversion=%d", st.aversion);
		deallocate_ACL_vector(&acl);
	}
	printf("\n");
}

/* A completion's result, handed from the completion thread to main. */
struct done {
	int fired, rc;
	char value[256];
};

static void void_done(int rc, const void *data) {
	struct done *d = (struct done *)data;
	pthread_mutex_lock(&mu);
	d->rc = rc;
	d->fired = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void string_done(int rc, const char *value, const void *data) {
	struct done *d = (struct done *)data;
	pthread_mutex_lock(&mu);
	d->rc = rc;
	snprintf(d->value, sizeof d->value, "%s", value ? value : "(null)");
	d->fired = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void wait_done(struct done *d, const char *step) {
	struct timespec ts;
	deadline(&ts, WAIT_MS);
	pthread_mutex_lock(&mu);
	while (!d->fired) {
		if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&mu);
			fail("%s: no completion within %d ms", step, WAIT_MS);
		}
	}
	pthread_mutex_unlock(&mu);
}

static void handshake(const char *marker) {
	char line[64];
	printf("%s\n", marker);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		fail("%s: stdin closed", marker);
}

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: scenario PROXY_ADDR DIRECT_ADDR\n");
		return 1;
	}
	const char *proxy = argv[1], *direct = argv[2];
	zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
	zoo_set_log_stream(stderr);
	setvbuf(stdout, NULL, _IOLBF, 0);

	zhandle_t *h = connect_handle(proxy, "handle1", NULL);
	wait_state("handle1", ZOO_CONNECTED_STATE, "connect handle1");
	int64_t sid = zoo_client_id(h)->client_id;
	printf("connected handle1 session=#s%lld timeout=%d\n", (long long)sid, zoo_recv_timeout(h));
	zhandle_t *h2 = connect_handle(direct, "handle2", NULL);
	wait_state("handle2", ZOO_CONNECTED_STATE, "connect handle2");
	printf("connected handle2 session=#s%lld timeout=%d\n", (long long)zoo_client_id(h2)->client_id,
	       zoo_recv_timeout(h2));

	printf("## create, every mode\n");
	create2(h, "/c", "v0", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c", "again", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/nope/x", "", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/ps-", "a", ZOO_PERSISTENT_SEQUENTIAL, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/ps-", "b", ZOO_PERSISTENT_SEQUENTIAL, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/eph", NULL, ZOO_EPHEMERAL, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/eph/x", "", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/es-", "", ZOO_EPHEMERAL_SEQUENTIAL, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/cont", "", ZOO_CONTAINER, 0, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/ttl", "", ZOO_PERSISTENT_WITH_TTL, 3600000, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/ttls-", "", ZOO_PERSISTENT_SEQUENTIAL_WITH_TTL, 3600000, &ZOO_OPEN_ACL_UNSAFE);
	create2(h, "/c/empty", "", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
	{
		struct ACL_vector none = {0, NULL};
		create2(h, "/c/noacl", "", ZOO_PERSISTENT, 0, &none);
	}
	exists(h2, "handle2 eph owner", "/c/eph");
	/* Containers and TTL nodes read as ephemeralOwner 0: Apache hides the
	 * owner marks (DataNode.copyStat), so only the server's reaping shows
	 * what they are; both servers reap every znode.container.checkIntervalMs. */
	exists(h2, "handle2 create2-container owner", "/c/cont");
	exists(h2, "handle2 create2-ttl owner", "/c/ttl");
	{
		char out[64] = "";
		int rc = zoo_create(h, "/c/cont2", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_CONTAINER, out, sizeof out);
		printf("create /c/cont2 container -> %s %s\n", zerror(rc), out);
		rc = zoo_create_ttl(h, "/c/ttl2", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 3600000, out, sizeof out);
		printf("create /c/ttl2 ttl -> %s %s\n", zerror(rc), out);
		rc = zoo_create_ttl(h, "/c/ttl0", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 0, out, sizeof out);
		printf("create /c/ttl0 ttl=0 -> %s\n", zerror(rc));
		exists(h2, "handle2 container owner", "/c/cont2");
		exists(h2, "handle2 ttl owner", "/c/ttl2");
		rc = zoo_create(h, "/c/cont2/kid", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, out, sizeof out);
		printf("create /c/cont2/kid -> %s\n", zerror(rc));
		rc = zoo_delete(h, "/c/cont2/kid", -1);
		printf("delete /c/cont2/kid -> %s\n", zerror(rc));
		await_gone(h, "/c/cont2", "container after its last child");
		rc = zoo_create_ttl(h, "/c/ttlshort", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 300, out, sizeof out);
		printf("create /c/ttlshort ttl=300 -> %s\n", zerror(rc));
		await_gone(h, "/c/ttlshort", "ttl node after its ttl");
	}

	printf("## get and set with versions\n");
	get(h, "handle1", "/c");
	get(h, "handle1", "/c/eph");
	get(h, "handle1", "/nope");
	set2(h, "/c", "v1", 0);
	set2(h, "/c", "v2", 0);
	set2(h, "/c", "v2", -1);
	set2(h, "/nope", "x", -1);
	get(h2, "handle2", "/c");
	exists(h, "handle1", "/c/none");

	printf("## watches\n");
	{
		struct Stat st;
		int rc = zoo_wexists(h, "/c/w", watcher, "exists-watch", &st);
		printf("wexists /c/w -> %s\n", zerror(rc));
		create2(h2, "/c/w", "w0", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
		next_node_event("exists watch on create");

		char buf[64];
		int len = sizeof buf;
		rc = zoo_wget(h, "/c/w", watcher, "data-watch", buf, &len, &st);
		printf("wget /c/w -> %s len=%d\n", zerror(rc), len);
		set2(h2, "/c/w", "w1", -1);
		next_node_event("data watch on set");

		struct String_vector v;
		rc = zoo_wget_children2(h, "/c/w", watcher, "child-watch", &v, &st);
		printf("wget_children2 /c/w -> %s count=%d cversion=%d\n", zerror(rc), v.count, st.cversion);
		deallocate_String_vector(&v);
		create2(h2, "/c/w/k", "", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
		next_node_event("child watch on create");

		/* A delete fires the node's own watch and its parent's child watch. */
		rc = zoo_wexists(h, "/c/w/k", watcher, "exists-watch", &st);
		printf("wexists /c/w/k -> %s\n", zerror(rc));
		rc = zoo_wget_children(h, "/c/w", watcher, "child-watch", &v);
		printf("wget_children /c/w -> %s count=%d\n", zerror(rc), v.count);
		deallocate_String_vector(&v);
		rc = zoo_delete(h2, "/c/w/k", -1);
		printf("delete handle2 /c/w/k -> %s\n", zerror(rc));
		next_node_event("delete: node watch");
		next_node_event("delete: parent child watch");

		/* A node deleted with a data watch on it fires DELETED, not CHANGED. */
		len = sizeof buf;
		rc = zoo_wget(h, "/c/w", watcher, "data-watch", buf, &len, &st);
		printf("wget /c/w -> %s\n", zerror(rc));
		rc = zoo_delete(h2, "/c/w", -1);
		printf("delete handle2 /c/w -> %s\n", zerror(rc));
		next_node_event("delete: data watch");

		/* removeWatches: the server drops the watch; nothing fires later. */
		len = sizeof buf;
		rc = zoo_wget(h, "/c/empty", watcher, "removed-watch", buf, &len, &st);
		printf("wget /c/empty -> %s\n", zerror(rc));
		rc = zoo_remove_watches(h, "/c/empty", ZWATCHTYPE_DATA, watcher, "removed-watch", 0);
		printf("remove_watches /c/empty data -> %s\n", zerror(rc));
		rc = zoo_remove_watches(h, "/c/empty", ZWATCHTYPE_DATA, watcher, "removed-watch", 0);
		printf("remove_watches /c/empty data again -> %s\n", zerror(rc));
		rc = zoo_remove_watches(h, "/c/empty", ZWATCHTYPE_CHILD, NULL, NULL, 0);
		printf("remove_watches /c/empty child (none) -> %s\n", zerror(rc));
		set2(h2, "/c/empty", "x", -1);
		exists(h, "barrier", "/c/empty");
		drain_node_events();
	}

	printf("## children\n");
	children2(h, "/c");
	children2(h, "/c/empty");
	children2(h, "/nope");

	printf("## acl\n");
	create2(h, "/c/acl", "", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
	get_acl(h, "handle1", "/c/acl");
	printf("setacl /c/acl version=0 -> %s\n", zerror(zoo_set_acl(h, "/c/acl", 0, &ZOO_READ_ACL_UNSAFE)));
	printf("setacl /c/acl version=0 again -> %s\n", zerror(zoo_set_acl(h, "/c/acl", 0, &ZOO_OPEN_ACL_UNSAFE)));
	get_acl(h, "handle1", "/c/acl");
	set2(h, "/c/acl", "denied", -1);
	{
		struct done d = {0};
		int rc = zoo_add_auth(h, "digest", "alice:secret", 12, void_done, &d);
		wait_done(&d, "add_auth digest");
		printf("add_auth digest alice -> %s %s\n", zerror(rc), zerror(d.rc));
	}
	create2(h, "/c/mine", "secret", ZOO_PERSISTENT, 0, &ZOO_CREATOR_ALL_ACL);
	get_acl(h, "handle1", "/c/mine");
	get(h, "handle1", "/c/mine");
	get(h2, "handle2", "/c/mine");
	create2(h2, "/c/mine2", "", ZOO_PERSISTENT, 0, &ZOO_CREATOR_ALL_ACL);
	{
		struct ACL acl = {ZOO_PERM_ALL, {"ip", "127.0.0.1"}};
		struct ACL_vector v = {1, &acl};
		create2(h2, "/c/ip", "", ZOO_PERSISTENT, 0, &v);
		get_acl(h2, "handle2", "/c/ip");
		get(h2, "handle2", "/c/ip");
		struct ACL bad = {ZOO_PERM_ALL, {"nosuch", "x"}};
		struct ACL_vector bv = {1, &bad};
		create2(h2, "/c/badacl", "", ZOO_PERSISTENT, 0, &bv);
	}

	printf("## delete\n");
	printf("delete /c/acl version=5 -> %s\n", zerror(zoo_delete(h, "/c/acl", 5)));
	printf("delete /c -> %s\n", zerror(zoo_delete(h, "/c", -1)));
	printf("delete /nope -> %s\n", zerror(zoo_delete(h, "/nope", -1)));
	printf("delete /c/acl version=0 -> %s\n", zerror(zoo_delete(h, "/c/acl", 0)));
	exists(h, "handle1", "/c/acl");

	printf("## sync\n");
	{
		struct done d = {0};
		int rc = zoo_async(h, "/c", string_done, &d);
		wait_done(&d, "sync");
		printf("sync /c -> %s %s %s\n", zerror(rc), zerror(d.rc), d.value);
	}

	printf("## multi\n");
	{
		zoo_op_t ops[4];
		zoo_op_result_t res[4];
		char p0[64] = "";
		struct Stat st;
		zoo_create_op_init(&ops[0], "/c/m1", "m", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, p0, sizeof p0);
		zoo_set_op_init(&ops[1], "/c", "multi", 5, -1, &st);
		zoo_check_op_init(&ops[2], "/c", 3);
		zoo_delete_op_init(&ops[3], "/c/ps-0000000000", -1);
		int rc = zoo_multi(h, 4, ops, res);
		printf("multi ok -> %s results=[%d %d %d %d] created=%s set-version=%d\n", zerror(rc), res[0].err,
		       res[1].err, res[2].err, res[3].err, p0, st.version);

		char p1[64] = "";
		zoo_create_op_init(&ops[0], "/c/m2", "m", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, p1, sizeof p1);
		zoo_check_op_init(&ops[1], "/c", 99);
		zoo_delete_op_init(&ops[2], "/c/m1", -1);
		rc = zoo_multi(h, 3, ops, res);
		printf("multi bad check -> %s results=[%d %d %d]\n", zerror(rc), res[0].err, res[1].err, res[2].err);
		exists(h, "after failed multi", "/c/m2");
		exists(h, "after failed multi", "/c/m1");

		zoo_delete_op_init(&ops[0], "/c/m1", -1);
		zoo_create_op_init(&ops[1], "/c/nope/x", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, p1, sizeof p1);
		rc = zoo_multi(h, 2, ops, res);
		printf("multi missing parent -> %s results=[%d %d]\n", zerror(rc), res[0].err, res[1].err);
		get(h, "handle1", "/c");
	}

	printf("## reconnect\n");
	{
		char buf[64];
		int len = sizeof buf;
		struct Stat st;
		int rc = zoo_wget(h, "/c", watcher, "data-watch", buf, &len, &st);
		printf("wget /c -> %s\n", zerror(rc));
		/* Many watches of every kind ride on the reconnect's SetWatches. */
		char p[64];
		int bad = 0;
		for (int i = 0; i < AWAY; i++) {
			snprintf(p, sizeof p, "/c/away-%03d", i);
			bad += zoo_wexists(h, p, watcher, "away-exists", &st) != ZNONODE;
		}
		len = sizeof buf;
		bad += zoo_wget(h, "/c/ps-0000000001", watcher, "away-data", buf, &len, &st) != ZOK;
		struct String_vector v;
		bad += zoo_wget_children(h, "/c/empty", watcher, "away-child", &v) != ZOK;
		deallocate_String_vector(&v);
		len = sizeof buf;
		bad += zoo_wget(h, "/c/ttl2", watcher, "away-deleted", buf, &len, &st) != ZOK;
		printf("%d exists watches and 3 more set, failures=%d\n", AWAY, bad);
		handshake("@cut");
		wait_state("handle1", ZOO_CONNECTING_STATE, "connection cut");
		printf("handle1 lost its connection\n");
		set2(h2, "/c", "while-away", -1);
		for (int i = 0; i < AWAY; i++) {
			snprintf(p, sizeof p, "/c/away-%03d", i);
			bad += zoo_create(h2, p, "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0) != ZOK;
		}
		bad += zoo_set(h2, "/c/ps-0000000001", "changed", 7, -1) != ZOK;
		bad += zoo_create(h2, "/c/empty/kid", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0) != ZOK;
		bad += zoo_delete(h2, "/c/ttl2", -1) != ZOK;
		printf("changes while away failures=%d\n", bad);
		handshake("@heal");
		wait_state("handle1", ZOO_CONNECTED_STATE, "reconnect");
		printf("handle1 reconnected same-session=%s\n", zoo_client_id(h)->client_id == sid ? "yes" : "no");
		/* Event order across paths follows the client's watch tables, not
		 * the protocol; count by kind and print the four singles sorted. */
		int created = 0;
		char singles[8][300];
		int ns = 0;
		for (int i = 0; i < AWAY + 4; i++) {
			struct timespec ts;
			deadline(&ts, WAIT_MS);
			pthread_mutex_lock(&mu);
			while (qhead == qtail || queue[qhead % QCAP].type == ZOO_SESSION_EVENT) {
				if (qhead < qtail) {
					qhead++;
					continue;
				}
				if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT) {
					pthread_mutex_unlock(&mu);
					fail("watch %d of %d after reconnect", i + 1, AWAY + 4);
				}
			}
			struct event e = queue[qhead % QCAP];
			qhead++;
			pthread_mutex_unlock(&mu);
			if (strcmp(e.tag, "away-exists") == 0 && e.type == ZOO_CREATED_EVENT)
				created++;
			else if (ns < 8)
				snprintf(singles[ns++], sizeof singles[0], "%s %s %s", e.tag, type_name(e.type), e.path);
		}
		qsort(singles, (size_t)ns, sizeof singles[0], (int (*)(const void *, const void *))strcmp);
		printf("after reconnect: %d CREATED on away-exists\n", created);
		for (int i = 0; i < ns; i++)
			printf("  event %s\n", singles[i]);
		/* one multi of AWAY deletes removes them again */
		zoo_op_t ops[AWAY];
		zoo_op_result_t res[AWAY];
		char paths[AWAY][32];
		for (int i = 0; i < AWAY; i++) {
			snprintf(paths[i], sizeof paths[i], "/c/away-%03d", i);
			zoo_delete_op_init(&ops[i], paths[i], 0);
		}
		rc = zoo_multi(h, AWAY, ops, res);
		int okd = 0;
		for (int i = 0; i < AWAY; i++)
			okd += res[i].err == ZOK;
		printf("multi of %d deletes -> %s ok=%d\n", AWAY, zerror(rc), okd);
		exists(h, "after reconnect", "/c/eph");
		/* the client re-sends its digest auth on the new connection */
		get(h, "after reconnect (auth kept)", "/c/mine");
	}

	printf("## bad password, unknown session\n");
	{
		clientid_t bad = *zoo_client_id(h);
		bad.passwd[0] ^= 0x55;
		zhandle_t *h3 = connect_handle(direct, "handle3", &bad);
		wait_state("handle3", ZOO_EXPIRED_SESSION_STATE, "bad password");
		printf("handle3 with a wrong password -> EXPIRED state=%s\n", state_name(zoo_state(h3)));
		zookeeper_close(h3);
		exists(h, "handle1 still alive", "/c/eph");

		clientid_t unknown = {0x7edcba9876543210LL, {0}};
		zhandle_t *h4 = connect_handle(direct, "handle4", &unknown);
		wait_state("handle4", ZOO_EXPIRED_SESSION_STATE, "unknown session");
		printf("handle4 with an unknown session -> EXPIRED\n");
		zookeeper_close(h4);
	}

	printf("## close ends the session\n");
	{
		int rc = zookeeper_close(h);
		printf("close handle1 -> %s\n", zerror(rc));
		exists(h2, "after close", "/c/eph");
		children2(h2, "/c");
	}

	printf("## read-only flag, config node\n");
	{
		zhandle_t *h6 = zookeeper_init(direct, watcher, SESSION_MS, NULL, "handle6", ZOO_READONLY);
		if (!h6)
			fail("zookeeper_init handle6: %s", strerror(errno));
		wait_state("handle6", ZOO_CONNECTED_STATE, "read-only flag on a standalone server");
		printf("handle6 (canBeReadOnly) state=%s\n", state_name(zoo_state(h6)));
		create2(h6, "/c/rw", "", ZOO_EPHEMERAL, 0, &ZOO_OPEN_ACL_UNSAFE);
		char buf[1024];
		int len = sizeof buf - 1;
		struct Stat st;
		int rc = zoo_getconfig(h6, 0, buf, &len, &st);
		printf("getconfig -> %s len=%d\n", zerror(rc), rc == ZOK ? len : -2);
		zookeeper_close(h6);
	}

	printf("## chroot\n");
	{
		char addr[300];
		snprintf(addr, sizeof addr, "%s/c", direct);
		zhandle_t *h7 = connect_handle(addr, "handle7", NULL);
		wait_state("handle7", ZOO_CONNECTED_STATE, "connect handle7 (chroot /c)");
		create2(h7, "/chrooted", "r", ZOO_PERSISTENT, 0, &ZOO_OPEN_ACL_UNSAFE);
		exists(h2, "outside the chroot", "/c/chrooted");
		struct Stat st;
		int rc = zoo_wexists(h7, "/chrooted", watcher, "chroot-watch", &st);
		printf("wexists in chroot /chrooted -> %s\n", zerror(rc));
		set2(h2, "/c/chrooted", "r1", -1);
		next_node_event("watch inside a chroot");
		struct String_vector v;
		rc = zoo_get_children(h7, "/", 0, &v);
		int seen = 0;
		for (int i = 0; rc == ZOK && i < v.count; i++)
			seen += strcmp(v.data[i], "chrooted") == 0;
		printf("children of chroot / -> %s has chrooted=%d\n", zerror(rc), seen);
		if (rc == ZOK)
			deallocate_String_vector(&v);
		zookeeper_close(h7);
	}

	printf("## large data\n");
	{
		enum { BIG = 1000000, TOO_BIG = 1100000 };
		char *big = malloc(TOO_BIG), *back = malloc(BIG + 16);
		if (!big || !back)
			fail("malloc");
		for (int i = 0; i < TOO_BIG; i++)
			big[i] = (char)('a' + i % 26);
		char out[64];
		int rc = zoo_create(h2, "/c/big", big, BIG, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, out, sizeof out);
		printf("create /c/big %d bytes -> %s\n", BIG, zerror(rc));
		int len = BIG + 16;
		struct Stat st;
		rc = zoo_get(h2, "/c/big", 0, back, &len, &st);
		printf("get /c/big -> %s len=%d dataLength=%d equal=%s\n", zerror(rc), len, st.dataLength,
		       rc == ZOK && len == BIG && memcmp(big, back, BIG) == 0 ? "yes" : "no");
		/* Over jute.maxbuffer (1 MiB) the server drops the connection. */
		zhandle_t *h8 = connect_handle(direct, "handle8", NULL);
		wait_state("handle8", ZOO_CONNECTED_STATE, "connect handle8");
		rc = zoo_set(h8, "/c/big", big, TOO_BIG, -1);
		printf("set /c/big %d bytes -> %s\n", TOO_BIG, zerror(rc));
		zookeeper_close(h8);
		rc = zoo_get(h2, "/c/big", 0, back, &len, &st);
		printf("get /c/big after -> %s dataLength=%d version=%d\n", zerror(rc), st.dataLength, st.version);
		printf("delete /c/big -> %s\n", zerror(zoo_delete(h2, "/c/big", -1)));
		free(big);
		free(back);
	}

	printf("## session expiry while cut off\n");
	{
		zhandle_t *h9 = zookeeper_init(proxy, watcher, 4000, NULL, "handle9", 0);
		if (!h9)
			fail("zookeeper_init handle9: %s", strerror(errno));
		wait_state("handle9", ZOO_CONNECTED_STATE, "connect handle9");
		printf("handle9 timeout=%d\n", zoo_recv_timeout(h9));
		create2(h9, "/c/short", "", ZOO_EPHEMERAL, 0, &ZOO_OPEN_ACL_UNSAFE);
		struct Stat st;
		int rc = zoo_wexists(h2, "/c/short", watcher, "expiry-watch", &st);
		printf("handle2 watches /c/short -> %s\n", zerror(rc));
		handshake("@cut");
		next_node_event("the server expires the cut-off session");
		exists(h2, "after expiry", "/c/short");
		handshake("@heal");
		wait_state("handle9", ZOO_EXPIRED_SESSION_STATE, "expired on reconnect");
		printf("handle9 reconnects -> EXPIRED state=%s\n", state_name(zoo_state(h9)));
		rc = zoo_exists(h9, "/c", 0, &st);
		printf("handle9 exists after expiry -> %s\n", zerror(rc));
		zookeeper_close(h9);
	}

	printf("## auth failure\n");
	{
		zhandle_t *h5 = connect_handle(direct, "handle5", NULL);
		wait_state("handle5", ZOO_CONNECTED_STATE, "connect handle5");
		struct done d = {0};
		int rc = zoo_add_auth(h5, "nosuch", "x", 1, void_done, &d);
		wait_done(&d, "add_auth nosuch");
		wait_state("handle5", ZOO_AUTH_FAILED_STATE, "auth failure");
		printf("add_auth nosuch -> %s %s state=%s\n", zerror(rc), zerror(d.rc), state_name(zoo_state(h5)));
		zookeeper_close(h5);
	}

	zookeeper_close(h2);
	printf("done\n");
	return 0;
}
