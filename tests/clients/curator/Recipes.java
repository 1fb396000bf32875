import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.PathChildrenCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.queue.SimpleDistributedQueue;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Recipes runs Apache Curator's recipes against one server and prints a
 * transcript that does not depend on timing: counts, outcomes and paths, never
 * which thread won. Session ids are printed as #s markers for the Go test to
 * normalize. Every wait is bounded; a failed expectation exits 2 naming it.
 *
 * Usage: java Recipes HOST:PORT
 */
public class Recipes {
    static final int WAIT_S = 30;
    static String connect;
    static final List<CuratorFramework> clients = Collections.synchronizedList(new ArrayList<>());

    static void p(String fmt, Object... args) {
        System.out.println(String.format(fmt, args));
        System.out.flush();
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            p("FAIL %s", what);
            System.exit(2);
        }
    }

    static CuratorFramework client(String namespace) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(15000)
                .connectionTimeoutMs(15000)
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000))
                .namespace(namespace)
                .build();
        c.start();
        check(c.blockUntilConnected(WAIT_S, TimeUnit.SECONDS), "client connects");
        clients.add(c);
        return c;
    }

    static long session(CuratorFramework c) throws Exception {
        return c.getZookeeperClient().getZooKeeper().getSessionId();
    }

    static String str(byte[] b) {
        return b == null ? "(null)" : new String(b, StandardCharsets.UTF_8);
    }

    /** waitFor polls a condition every 20 ms for at most WAIT_S seconds. */
    interface Cond {
        boolean ok() throws Exception;
    }

    static void waitFor(Cond c, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!c.ok()) {
            check(System.nanoTime() < end, "within " + WAIT_S + "s: " + what);
            Thread.sleep(20);
        }
    }

    public static void main(String[] args) throws Exception {
        connect = args[0];
        CuratorFramework root = client(null);
        p("connected session=#s%d", session(root));

        creatingParents(root);
        namespaces(root);
        mutex();
        semaphoreAndReadWriteLock();
        queueAndBarrier();
        protectedCreate(root);
        leaderLatch();
        atomicLong();
        sharedCount();
        curatorCache(root);
        pathChildrenCache(root);
        persistentNode(root);
        transaction(root);

        for (CuratorFramework c : clients) {
            c.close();
        }
        p("done");
        System.exit(0); // Curator leaves non-daemon executor threads behind
    }

    static void creatingParents(CuratorFramework c) throws Exception {
        p("## creatingParentsIfNeeded");
        String path = c.create().creatingParentsIfNeeded().forPath("/a/b/c", "x".getBytes());
        p("create /a/b/c -> %s", path);
        p("parents exist: /a=%s /a/b=%s", c.checkExists().forPath("/a") != null,
                c.checkExists().forPath("/a/b") != null);
        p("data /a/b=%s /a/b/c=%s", str(c.getData().forPath("/a/b")), str(c.getData().forPath("/a/b/c")));
        try {
            c.create().forPath("/x/y/z");
            p("create /x/y/z without parents -> created");
        } catch (KeeperException e) {
            p("create /x/y/z without parents -> %s", e.code());
        }
        c.create().creatingParentContainersIfNeeded().forPath("/pc/kid");
        p("creatingParentContainersIfNeeded /pc/kid -> ok");
        c.delete().forPath("/pc/kid");
        waitFor(() -> c.checkExists().forPath("/pc") == null, "container parent /pc reaped");
        p("container parent /pc reaped after its last child");
        c.delete().deletingChildrenIfNeeded().forPath("/a");
        p("deletingChildrenIfNeeded /a -> exists=%s", c.checkExists().forPath("/a") != null);
    }

    static void namespaces(CuratorFramework root) throws Exception {
        p("## namespaces");
        CuratorFramework app = client("app");
        app.create().forPath("/n", "in-ns".getBytes());
        p("ns create /n -> root sees /app/n data=%s", str(root.getData().forPath("/app/n")));
        p("ns children / = %s", app.getChildren().forPath("/"));
        CuratorFramework other = app.usingNamespace("other");
        other.create().creatingParentsIfNeeded().forPath("/m");
        List<String> top = new ArrayList<>(root.getChildren().forPath("/"));
        Collections.sort(top);
        p("root children / = %s", top);
        p("ns exists /app/n inside app = %s", app.checkExists().forPath("/app/n") != null);
    }

    /**
     * mutex: 3 clients x 2 threads each take an InterProcessMutex 5 times and,
     * holding it, do an unversioned read-modify-write of a counter znode and of
     * an in-process counter; a lost update or overlap means no exclusion.
     */
    static void mutex() throws Exception {
        p("## InterProcessMutex");
        final int clientsN = 3, threadsPer = 2, rounds = 5;
        CuratorFramework setup = client(null);
        setup.create().creatingParentsIfNeeded().forPath("/mutex/counter", "0".getBytes());
        AtomicInteger inside = new AtomicInteger(), maxInside = new AtomicInteger(), reentered = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clientsN * threadsPer);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            CuratorFramework c = client(null);
            for (int j = 0; j < threadsPer; j++) {
                fs.add(pool.submit(() -> {
                    InterProcessMutex m = new InterProcessMutex(c, "/mutex/lock");
                    for (int r = 0; r < rounds; r++) {
                        check(m.acquire(WAIT_S, TimeUnit.SECONDS), "mutex acquired");
                        try {
                            int now = inside.incrementAndGet();
                            maxInside.accumulateAndGet(now, Math::max);
                            check(m.acquire(WAIT_S, TimeUnit.SECONDS), "mutex re-entered");
                            reentered.incrementAndGet();
                            m.release();
                            int v = Integer.parseInt(str(c.getData().forPath("/mutex/counter")));
                            Thread.sleep(2);
                            c.setData().forPath("/mutex/counter", Integer.toString(v + 1).getBytes());
                            inside.decrementAndGet();
                        } finally {
                            m.release();
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : fs) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        p("mutex rounds=%d counter=%s maxInside=%d reentered=%d", clientsN * threadsPer * rounds,
                str(setup.getData().forPath("/mutex/counter")), maxInside.get(), reentered.get());
        // Curator makes /mutex/lock a container: it may be reaped already.
        Stat lock = setup.checkExists().forPath("/mutex/lock");
        p("lock nodes left=%d", lock == null ? 0 : lock.getNumChildren());
    }

    /**
     * A semaphore with 2 leases shared by 4 threads never has more than 2
     * holders; a write lock excludes readers and readers share.
     */
    static void semaphoreAndReadWriteLock() throws Exception {
        p("## InterProcessSemaphoreV2 and InterProcessReadWriteLock");
        AtomicInteger holders = new AtomicInteger(), maxHolders = new AtomicInteger(), leases = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CuratorFramework c = client(null);
            fs.add(pool.submit(() -> {
                InterProcessSemaphoreV2 sem = new InterProcessSemaphoreV2(c, "/sem", 2);
                for (int r = 0; r < 3; r++) {
                    Lease l = sem.acquire(WAIT_S, TimeUnit.SECONDS);
                    check(l != null, "semaphore lease");
                    leases.incrementAndGet();
                    maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                    Thread.sleep(5);
                    holders.decrementAndGet();
                    sem.returnLease(l);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get(120, TimeUnit.SECONDS);
        }
        p("semaphore leases=%d maxHolders<=2=%s", leases.get(), maxHolders.get() <= 2);

        CuratorFramework a = client(null), b = client(null);
        InterProcessReadWriteLock wa = new InterProcessReadWriteLock(a, "/rw");
        InterProcessReadWriteLock wb = new InterProcessReadWriteLock(b, "/rw");
        check(wa.writeLock().acquire(WAIT_S, TimeUnit.SECONDS), "write lock");
        Future<Boolean> reader = pool.submit(() -> wb.readLock().acquire(300, TimeUnit.MILLISECONDS));
        p("read lock while written: acquired=%s", reader.get(WAIT_S, TimeUnit.SECONDS));
        check(wa.readLock().acquire(WAIT_S, TimeUnit.SECONDS), "writer may also read");
        wa.readLock().release();
        wa.writeLock().release();
        check(wa.readLock().acquire(WAIT_S, TimeUnit.SECONDS), "read lock a");
        p("two readers share: acquired=%s", wb.readLock().acquire(WAIT_S, TimeUnit.SECONDS));
        Future<Boolean> writer = pool.submit(() -> wb.writeLock().acquire(300, TimeUnit.MILLISECONDS));
        p("write lock while read by another: acquired=%s", writer.get(WAIT_S, TimeUnit.SECONDS));
        wb.readLock().release();
        wa.readLock().release();
        pool.shutdown();
    }

    /** A FIFO queue between two clients and a double barrier of three. */
    static void queueAndBarrier() throws Exception {
        p("## SimpleDistributedQueue and DistributedDoubleBarrier");
        SimpleDistributedQueue producer = new SimpleDistributedQueue(client(null), "/queue");
        SimpleDistributedQueue consumer = new SimpleDistributedQueue(client(null), "/queue");
        for (int i = 0; i < 5; i++) {
            check(producer.offer(("item" + i).getBytes()), "offer");
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = consumer.poll(WAIT_S, TimeUnit.SECONDS);
            got.add(str(b));
        }
        p("queue order %s then empty=%s", got, consumer.poll() == null);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicInteger arrived = new AtomicInteger(), early = new AtomicInteger();
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CuratorFramework c = client(null);
            final int delay = i * 100;
            fs.add(pool.submit(() -> {
                Thread.sleep(delay);
                DistributedDoubleBarrier bar = new DistributedDoubleBarrier(c, "/barrier", 3);
                arrived.incrementAndGet();
                boolean in = bar.enter(WAIT_S, TimeUnit.SECONDS);
                if (arrived.get() < 3) {
                    early.incrementAndGet(); // passed enter() before the third member came
                }
                boolean out = bar.leave(WAIT_S, TimeUnit.SECONDS);
                return in && out;
            }));
        }
        int passed = 0;
        for (Future<Boolean> f : fs) {
            if (f.get(120, TimeUnit.SECONDS)) {
                passed++;
            }
        }
        pool.shutdown();
        p("double barrier: %d of 3 entered and left, early=%d", passed, early.get());
    }

    /** withProtection prefixes a GUID so that a retried create finds its node. */
    static void protectedCreate(CuratorFramework c) throws Exception {
        p("## protected ephemeral sequential create");
        String path = c.create().creatingParentsIfNeeded().withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/prot/node-");
        String name = path.substring("/prot/".length());
        p("protected name shape ok=%s", name.matches("_c_[0-9a-f-]{36}-node-0000000000"));
        p("children=%d", c.getChildren().forPath("/prot").size());
        c.delete().forPath(path);
    }

    static void leaderLatch() throws Exception {
        p("## LeaderLatch");
        List<LeaderLatch> latches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeaderLatch l = new LeaderLatch(client(null), "/latch", "p" + i);
            l.start();
            latches.add(l);
        }
        waitFor(() -> leaders(latches) == 1, "exactly one leader of 3");
        LeaderLatch leader = latches.stream().filter(LeaderLatch::hasLeadership).findFirst().get();
        waitFor(() -> leader.getParticipants().size() == 3, "3 participants");
        boolean agree = true;
        for (LeaderLatch l : latches) {
            agree &= l.getLeader().getId().equals(leader.getId());
        }
        p("latch leaders=1 participants=%d all agree on the leader=%s", leader.getParticipants().size(), agree);
        latches.remove(leader);
        leader.close();
        waitFor(() -> leaders(latches) == 1, "another leader after close");
        LeaderLatch next = latches.stream().filter(LeaderLatch::hasLeadership).findFirst().get();
        waitFor(() -> next.getParticipants().size() == 2, "2 participants after close");
        p("after leader closed: leaders=1 new leader differs=%s participants=%d",
                !next.getId().equals(leader.getId()), next.getParticipants().size());
        for (LeaderLatch l : latches) {
            l.close();
        }
    }

    static int leaders(List<LeaderLatch> ls) {
        int n = 0;
        for (LeaderLatch l : ls) {
            if (l.hasLeadership()) {
                n++;
            }
        }
        return n;
    }

    static void atomicLong() throws Exception {
        p("## DistributedAtomicLong");
        final int clientsN = 3, incs = 10;
        ExecutorService pool = Executors.newFixedThreadPool(clientsN);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            CuratorFramework c = client(null);
            fs.add(pool.submit(() -> {
                DistributedAtomicLong n = new DistributedAtomicLong(c, "/atomic", new RetryNTimes(1000, 5));
                int ok = 0;
                for (int k = 0; k < incs; k++) {
                    if (n.increment().succeeded()) {
                        ok++;
                    }
                }
                return ok;
            }));
        }
        int ok = 0;
        for (Future<Integer> f : fs) {
            ok += f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        DistributedAtomicLong n = new DistributedAtomicLong(client(null), "/atomic", new RetryNTimes(10, 10));
        p("atomic increments succeeded=%d value=%d", ok, n.get().postValue());
        AtomicValue<Long> cas = n.compareAndSet(30L, 100L);
        p("compareAndSet 30->100 succeeded=%s value=%d", cas.succeeded(), n.get().postValue());
        cas = n.compareAndSet(30L, 7L);
        p("compareAndSet 30->7 succeeded=%s value=%d", cas.succeeded(), n.get().postValue());
    }

    static void sharedCount() throws Exception {
        p("## SharedCount");
        SharedCount a = new SharedCount(client(null), "/shared", 0);
        SharedCount b = new SharedCount(client(null), "/shared", 0);
        a.start();
        b.start();
        VersionedValue<Integer> stale = a.getVersionedValue();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Integer>> fs = new ArrayList<>();
        for (SharedCount sc : List.of(a, b)) {
            fs.add(pool.submit(() -> {
                int lost = 0;
                for (int k = 0; k < 10; k++) {
                    for (;;) {
                        VersionedValue<Integer> v = sc.getVersionedValue();
                        if (sc.trySetCount(v, v.getValue() + 1)) {
                            break;
                        }
                        lost++;
                    }
                }
                return lost;
            }));
        }
        for (Future<Integer> f : fs) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        waitFor(() -> a.getCount() == 20 && b.getCount() == 20, "both SharedCounts see 20");
        p("shared count a=%d b=%d trySetCount with a stale version=%s", a.getCount(), b.getCount(),
                a.trySetCount(stale, 99));
        a.close();
        b.close();
    }

    /** drain takes exactly n events, each within WAIT_S, in delivery order. */
    static List<String> take(BlockingQueue<String> q, int n, String what) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String e = q.poll(WAIT_S, TimeUnit.SECONDS);
            check(e != null, what + ": event " + (i + 1) + " of " + n);
            out.add(e);
        }
        return out;
    }

    static void curatorCache(CuratorFramework c) throws Exception {
        p("## CuratorCache");
        c.create().forPath("/cache", "c0".getBytes());
        c.create().forPath("/cache/pre", "p".getBytes());
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        CuratorCache cache = CuratorCache.build(c, "/cache");
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(n -> q.add("created " + n.getPath() + " " + str(n.getData())))
                .forChanges((o, n) -> q.add("changed " + n.getPath() + " " + str(o.getData()) + "->" + str(n.getData())))
                .forDeletes(o -> q.add("deleted " + o.getPath()))
                .forInitialized(() -> q.add("initialized"))
                .build());
        cache.start();
        List<String> initial = take(q, 3, "cache initial");
        List<String> created = new ArrayList<>(initial.subList(0, 2));
        Collections.sort(created); // the initial load's order is not defined
        p("initial %s then %s", created, initial.get(2));
        c.create().forPath("/cache/x", "x0".getBytes());
        p("%s", take(q, 1, "cache create"));
        c.setData().forPath("/cache/x", "x1".getBytes());
        p("%s", take(q, 1, "cache change"));
        c.create().forPath("/cache/x/deep", "d".getBytes());
        p("%s", take(q, 1, "cache deep create"));
        c.delete().deletingChildrenIfNeeded().forPath("/cache/x");
        List<String> deleted = take(q, 2, "cache deletes");
        p("%s", deleted);
        p("cache size=%d", cache.size());
        cache.close();
    }

    static void pathChildrenCache(CuratorFramework c) throws Exception {
        p("## PathChildrenCache");
        c.create().forPath("/pcc");
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        @SuppressWarnings("deprecation")
        PathChildrenCache cache = new PathChildrenCache(c, "/pcc", true);
        cache.getListenable().addListener((cl, e) -> q.add(e.getType() + (e.getData() == null ? ""
                : " " + e.getData().getPath() + " " + str(e.getData().getData()))));
        cache.start(PathChildrenCache.StartMode.POST_INITIALIZED_EVENT);
        p("%s", take(q, 1, "pcc initialized"));
        c.create().forPath("/pcc/a", "a0".getBytes());
        p("%s", take(q, 1, "pcc add"));
        c.setData().forPath("/pcc/a", "a1".getBytes());
        p("%s", take(q, 1, "pcc update"));
        c.delete().forPath("/pcc/a");
        p("%s", take(q, 1, "pcc remove"));
        cache.close();
    }

    static void persistentNode(CuratorFramework root) throws Exception {
        p("## PersistentNode and ephemeral sequential");
        CuratorFramework c = client(null);
        PersistentNode node = new PersistentNode(c, CreateMode.EPHEMERAL_SEQUENTIAL, false, "/members/m-",
                "me".getBytes());
        node.start();
        check(node.waitForInitialCreate(WAIT_S, TimeUnit.SECONDS), "PersistentNode created");
        String path = node.getActualPath();
        // creatingParentContainersIfNeeded is how PersistentNode makes /members
        Stat st = root.checkExists().forPath(path);
        p("persistent node %s owner=#s%d mine=%s", path, st.getEphemeralOwner(), st.getEphemeralOwner() == session(c));
        node.setData("updated".getBytes());
        waitFor(() -> "updated".equals(str(root.getData().forPath(path))), "PersistentNode.setData visible");
        p("setData -> %s", str(root.getData().forPath(path)));
        String s1 = c.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/members/e-");
        String s2 = c.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/members/e-");
        p("ephemeral sequential %s %s", s1, s2);
        List<String> kids = new ArrayList<>(root.getChildren().forPath("/members"));
        Collections.sort(kids);
        p("members %s", kids);
        node.close();
        c.close();
        clients.remove(c);
        // /members is a container: the server may reap it once it is empty.
        waitFor(() -> {
            Stat m = root.checkExists().forPath("/members");
            return m == null || m.getNumChildren() == 0;
        }, "ephemerals gone after close");
        p("after close: no members left");
    }

    static void transaction(CuratorFramework c) throws Exception {
        p("## transaction");
        c.create().forPath("/tx", "t0".getBytes());
        CuratorOp create = c.transactionOp().create().forPath("/tx/a", "a".getBytes());
        CuratorOp seq = c.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath("/tx/s-");
        CuratorOp set = c.transactionOp().setData().withVersion(0).forPath("/tx", "t1".getBytes());
        CuratorOp checkOp = c.transactionOp().check().withVersion(1).forPath("/tx");
        List<CuratorTransactionResult> rs = c.transaction().forOperations(create, seq, set, checkOp);
        for (CuratorTransactionResult r : rs) {
            p("  %s %s -> %s error=%d", r.getType(), r.getForPath(), r.getResultPath(), r.getError());
        }
        p("after tx /tx=%s version=%d children=%s", str(c.getData().forPath("/tx")),
                c.checkExists().forPath("/tx").getVersion(), sorted(c.getChildren().forPath("/tx")));
        CuratorOp create2 = c.transactionOp().create().forPath("/tx/b");
        CuratorOp bad = c.transactionOp().check().withVersion(99).forPath("/tx");
        CuratorOp del = c.transactionOp().delete().forPath("/tx/a");
        try {
            c.transaction().forOperations(create2, bad, del);
            p("bad tx -> committed");
        } catch (KeeperException e) {
            p("bad tx -> %s at %s", e.code(), e.getPath());
        }
        p("after bad tx children=%s", sorted(c.getChildren().forPath("/tx")));
    }

    static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        Collections.sort(s);
        return s;
    }
}
