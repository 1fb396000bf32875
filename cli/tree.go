package cli

import (
	"github.com/corral-zk/corral/client"
	"github.com/corral-zk/corral/wire"
)

// Tree walks of Apache's ZKUtil, which ls -R, setAcl -R and deleteall use.

// childPath joins a parent and a child name ("/" has no trailing slash).
func childPath(parent, child string) string {
	if parent == "/" {
		return "/" + child
	}
	return parent + "/" + child
}

// visitSubTreeDFS is ZKUtil.visitSubTreeDFS: the root (which must exist:
// its data is read, with a watch if asked), then for each node all its
// children in sorted order before descending into each. A node deleted
// during the walk is skipped.
func visitSubTreeDFS(zk *client.Conn, path string, watch bool, visit func(string)) error {
	if err := client.ValidatePath(path); err != nil {
		return err
	}
	if _, _, err := zk.GetData(ctx, path, watch); err != nil {
		return err
	}
	visit(path)
	return visitChildren(zk, path, watch, visit)
}

func visitChildren(zk *client.Conn, path string, watch bool, visit func(string)) error {
	children, _, err := zk.GetChildren2(ctx, path, watch)
	if client.CodeOf(err) == wire.ErrNoNode {
		return nil
	}
	if err != nil {
		return err
	}
	sortJava(children)
	for _, c := range children {
		visit(childPath(path, c))
	}
	for _, c := range children {
		if err := visitChildren(zk, childPath(path, c), watch, visit); err != nil {
			return err
		}
	}
	return nil
}

// listSubTreeBFS is ZKUtil.listSubTreeBFS: the root and every descendant,
// breadth first, children in the server's order.
func listSubTreeBFS(zk *client.Conn, root string) ([]string, error) {
	tree := []string{root}
	for i := 0; i < len(tree); i++ {
		children, err := zk.GetChildren(ctx, tree[i], false)
		if err != nil {
			return nil, err
		}
		for _, c := range children {
			tree = append(tree, childPath(tree[i], c))
		}
	}
	return tree, nil
}

// deleteRecursive is ZKUtil.deleteRecursive: the subtree is listed, then
// deleted leaves first in multi batches of batchSize deletes. It reports
// false once a batch fails; later batches are not sent. (Apache pipelines
// up to ten batches, so a few more may run after a failure there.)
func deleteRecursive(zk *client.Conn, root string, batchSize int) (bool, error) {
	if err := client.ValidatePath(root); err != nil {
		return false, err
	}
	tree, err := listSubTreeBFS(zk, root)
	if err != nil {
		return false, err
	}
	var ops []wire.MultiOp
	for i := len(tree) - 1; i >= 0; i-- {
		ops = append(ops, wire.MultiOp{Type: wire.OpDelete, Op: &wire.DeleteRequest{Path: tree[i], Version: -1}})
		if len(ops) == batchSize || i == 0 {
			if _, err := zk.Multi(ctx, ops); err != nil {
				return false, nil
			}
			ops = nil
		}
	}
	return true, nil
}
