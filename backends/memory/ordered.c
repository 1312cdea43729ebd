#include "ordered.h"

#include <stddef.h>
#include <string.h>

#include "core/alloc.h"
#include "numbering/common.h"

/* Leaves and inner nodes take the same bytes, so one pool of spares serves both.
 * 64 pairs per leaf: a binary search touches about four cache lines of keys. */
#define NODE_BYTES 776
#define LEAF_CAP 64
#define INNER_CAP 38
#define ROOT_CAP_MIN 4
#define LEAF_MIN (LEAF_CAP / 3)
#define INNER_MIN (INNER_CAP / 3)

struct head {
	uint16_t count; /* pairs in a leaf, separators in an inner node */
	uint16_t cap;   /* pairs a leaf has room for */
	uint32_t unused;
};

/* keys[cap], then the values: uint32_t[cap]. */
struct leaf {
	struct head h;
	uint64_t keys[];
};

/* Child i holds the pairs p with sep[i-1] <= p < sep[i]. */
struct inner {
	struct head h;
	uint64_t keys[INNER_CAP];
	uint32_t vals[INNER_CAP];
	void *child[INNER_CAP + 1];
};

_Static_assert(sizeof(struct inner) == NODE_BYTES, "inner nodes take NODE_BYTES");
_Static_assert(sizeof(struct head) + LEAF_CAP * 12 == NODE_BYTES, "full leaves take NODE_BYTES");

static size_t leaf_bytes(uint32_t cap)
{
	return sizeof(struct head) + (size_t)cap * 12;
}

static uint32_t *leaf_vals(struct leaf *leaf)
{
	return (uint32_t *)(leaf->keys + leaf->h.cap);
}

static const uint32_t *leaf_cvals(const struct leaf *leaf)
{
	return (const uint32_t *)(leaf->keys + leaf->h.cap);
}

static uint32_t node_count(const void *node)
{
	return ((const struct head *)node)->count;
}

static int pair_less(uint64_t ka, uint32_t va, uint64_t kb, uint32_t vb)
{
	return ka < kb || (ka == kb && va < vb);
}

/*
 * The searches compare keys without branches (the compiler turns the step into a
 * conditional move: a mispredicted branch per step cost more than the search), then
 * step over pairs of an equal key by their values. Values are read only there, so a
 * search touches the keys' cache lines alone unless keys repeat.
 */

/* Index of the first of @count sorted @keys that is >= @key (@count when none). */
static uint32_t keys_lower(const uint64_t *keys, uint32_t count, uint64_t key)
{
	if (count == 0)
		return 0;
	const uint64_t *base = keys;
	uint32_t n = count;
	while (n > 1) {
		uint32_t half = n / 2;
		base = base[half - 1] < key ? base + half : base;
		n -= half;
	}
	return (uint32_t)(base - keys) + (*base < key);
}

/* Index of the first pair >= (key, value). */
static uint32_t leaf_lower(const struct leaf *leaf, uint64_t key, uint32_t value)
{
	const uint32_t *vals = leaf_cvals(leaf);
	uint32_t i = keys_lower(leaf->keys, leaf->h.count, key);
	while (i < leaf->h.count && leaf->keys[i] == key && vals[i] < value)
		i++;
	return i;
}

/* Index of the first pair > (key, value). */
static uint32_t leaf_upper(const struct leaf *leaf, uint64_t key, uint32_t value)
{
	const uint32_t *vals = leaf_cvals(leaf);
	uint32_t i = keys_lower(leaf->keys, leaf->h.count, key);
	while (i < leaf->h.count && leaf->keys[i] == key && vals[i] <= value)
		i++;
	return i;
}

/* The child to follow for (key, value): the number of separators <= it. */
static uint32_t inner_child(const struct inner *node, uint64_t key, uint32_t value)
{
	uint32_t i = keys_lower(node->keys, node->h.count, key);
	while (i < node->h.count && node->keys[i] == key && node->vals[i] <= value)
		i++;
	return i;
}

void numbering__ordered_pool_init(struct numbering__ordered_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->spare_keep = 32;
}

void numbering__ordered_pool_drain(struct numbering__ordered_pool *pool)
{
	while (pool->spare != NULL) {
		void *node = pool->spare;
		memcpy(&pool->spare, node, sizeof(void *));
		numbering__free_mem(node);
		pool->bytes -= NODE_BYTES;
	}
	pool->spare_count = 0;
}

static void *node_take(struct numbering__ordered_pool *pool)
{
	void *node = pool->spare;
	memcpy(&pool->spare, node, sizeof(void *));
	pool->spare_count--;
	return node;
}

static void node_release(struct numbering__ordered_pool *pool, void *node)
{
	if (pool->spare_count < pool->spare_keep) {
		memcpy(node, &pool->spare, sizeof(void *));
		pool->spare = node;
		pool->spare_count++;
	} else {
		numbering__free_mem(node);
		pool->bytes -= NODE_BYTES;
	}
}

int numbering__ordered_pool_fill(struct numbering__ordered_pool *pool, uint32_t need)
{
	while (pool->spare_count < need) {
		void *node = numbering__malloc(NODE_BYTES);
		if (node == NULL)
			return NUMBERING_RESOURCE_EXHAUSTED;
		pool->bytes += NODE_BYTES;
		memcpy(node, &pool->spare, sizeof(void *));
		pool->spare = node;
		pool->spare_count++;
	}
	return NUMBERING_OK;
}

static void destroy_node(struct numbering__ordered_pool *pool, void *node, uint32_t levels)
{
	if (levels > 1) {
		struct inner *in = node;
		for (uint32_t i = 0; i <= in->h.count; i++)
			destroy_node(pool, in->child[i], levels - 1);
		pool->bytes -= NODE_BYTES;
	} else {
		pool->bytes -= leaf_bytes(((struct leaf *)node)->h.cap);
	}
	numbering__free_mem(node);
}

void numbering__ordered_destroy(struct numbering__ordered_pool *pool, struct numbering__ordered *tree)
{
	if (tree->root != NULL)
		destroy_node(pool, tree->root, tree->height);
	tree->root = NULL;
	tree->height = 0;
	tree->count = 0;
}

/* A root leaf with room for @cap pairs holding the pairs of @old (NULL: none). */
static struct leaf *leaf_resize(struct numbering__ordered_pool *pool, struct leaf *old, uint32_t cap)
{
	struct leaf *leaf = numbering__malloc(leaf_bytes(cap));
	if (leaf == NULL)
		return NULL;
	pool->bytes += leaf_bytes(cap);
	leaf->h.cap = (uint16_t)cap;
	leaf->h.count = 0;
	leaf->h.unused = 0;
	if (old != NULL) {
		leaf->h.count = old->h.count;
		memcpy(leaf->keys, old->keys, old->h.count * sizeof(uint64_t));
		memcpy(leaf_vals(leaf), leaf_vals(old), old->h.count * sizeof(uint32_t));
		pool->bytes -= leaf_bytes(old->h.cap);
		numbering__free_mem(old);
	}
	return leaf;
}

int numbering__ordered_reserve_root(struct numbering__ordered_pool *pool, struct numbering__ordered *tree,
                                    uint32_t *need)
{
	if (tree->root == NULL) {
		struct leaf *leaf = leaf_resize(pool, NULL, ROOT_CAP_MIN);
		if (leaf == NULL)
			return NUMBERING_RESOURCE_EXHAUSTED;
		tree->root = leaf;
		tree->height = 1;
		return NUMBERING_OK;
	}
	if (tree->height == 1) {
		struct leaf *leaf = tree->root;
		if (leaf->h.count < leaf->h.cap)
			return NUMBERING_OK;
		if (leaf->h.cap < LEAF_CAP) {
			uint32_t cap = leaf->h.cap * 2u > LEAF_CAP ? LEAF_CAP : leaf->h.cap * 2u;
			struct leaf *grown = leaf_resize(pool, leaf, cap);
			if (grown == NULL)
				return NUMBERING_RESOURCE_EXHAUSTED;
			tree->root = grown;
			return NUMBERING_OK;
		}
	}
	/* A split at every level and a new root. */
	*need += tree->height + 1u;
	return NUMBERING_OK;
}

static void leaf_put(struct leaf *leaf, uint32_t pos, uint64_t key, uint32_t value)
{
	uint32_t *vals = leaf_vals(leaf);
	uint32_t n = leaf->h.count;
	if (pos < n) { /* an append moves nothing: two calls saved */
		memmove(leaf->keys + pos + 1, leaf->keys + pos, (n - pos) * sizeof(uint64_t));
		memmove(vals + pos + 1, vals + pos, (n - pos) * sizeof(uint32_t));
	}
	leaf->keys[pos] = key;
	vals[pos] = value;
	leaf->h.count = (uint16_t)(n + 1);
}

/* Moves pairs [from, count) of @src to the end of @dst. */
static void leaf_move_tail(struct leaf *dst, struct leaf *src, uint32_t from)
{
	uint32_t n = src->h.count - from, d = dst->h.count;
	memcpy(dst->keys + d, src->keys + from, n * sizeof(uint64_t));
	memcpy(leaf_vals(dst) + d, leaf_vals(src) + from, n * sizeof(uint32_t));
	dst->h.count = (uint16_t)(d + n);
	src->h.count = (uint16_t)from;
}

/* Inserts separator @key, @value at @i with @child to its right. */
static void inner_put(struct inner *node, uint32_t i, uint64_t key, uint32_t value, void *child)
{
	uint32_t n = node->h.count;
	memmove(node->keys + i + 1, node->keys + i, (n - i) * sizeof(uint64_t));
	memmove(node->vals + i + 1, node->vals + i, (n - i) * sizeof(uint32_t));
	memmove(node->child + i + 2, node->child + i + 1, (n - i) * sizeof(void *));
	node->keys[i] = key;
	node->vals[i] = value;
	node->child[i + 1] = child;
	node->h.count = (uint16_t)(n + 1);
}

/* Removes separator @i and the child to its right. */
static void inner_drop(struct inner *node, uint32_t i)
{
	uint32_t n = node->h.count;
	memmove(node->keys + i, node->keys + i + 1, (n - i - 1) * sizeof(uint64_t));
	memmove(node->vals + i, node->vals + i + 1, (n - i - 1) * sizeof(uint32_t));
	memmove(node->child + i + 1, node->child + i + 2, (n - i - 1) * sizeof(void *));
	node->h.count = (uint16_t)(n - 1);
}

/* Splits full inner @node while inserting (@key, @value, @child) at @i; the new right
 * node and the separator that goes up come back through the out-parameters. */
static struct inner *inner_split(struct numbering__ordered_pool *pool, struct inner *node, uint32_t i, uint64_t key,
                                 uint32_t value, void *child, int edge, uint64_t *up_key, uint32_t *up_value)
{
	uint64_t keys[INNER_CAP + 1];
	uint32_t vals[INNER_CAP + 1];
	void *children[INNER_CAP + 2];
	uint32_t n = node->h.count;
	memcpy(keys, node->keys, i * sizeof(uint64_t));
	memcpy(vals, node->vals, i * sizeof(uint32_t));
	memcpy(children, node->child, (i + 1) * sizeof(void *));
	keys[i] = key;
	vals[i] = value;
	children[i + 1] = child;
	memcpy(keys + i + 1, node->keys + i, (n - i) * sizeof(uint64_t));
	memcpy(vals + i + 1, node->vals + i, (n - i) * sizeof(uint32_t));
	memcpy(children + i + 2, node->child + i + 1, (n - i) * sizeof(void *));
	/* Separators [0, m) stay, m goes up, (m, n] move right. Appending to the
	 * rightmost node leaves it full, so ascending inserts fill nodes completely. */
	uint32_t m = (edge > 0 && i == n) ? n : (edge < 0 && i == 0) ? 0 : n / 2;
	struct inner *right = node_take(pool);
	right->h.cap = 0;
	right->h.unused = 0;
	node->h.count = (uint16_t)m;
	memcpy(node->keys, keys, m * sizeof(uint64_t));
	memcpy(node->vals, vals, m * sizeof(uint32_t));
	memcpy(node->child, children, (m + 1) * sizeof(void *));
	*up_key = keys[m];
	*up_value = vals[m];
	right->h.count = (uint16_t)(n - m);
	memcpy(right->keys, keys + m + 1, (n - m) * sizeof(uint64_t));
	memcpy(right->vals, vals + m + 1, (n - m) * sizeof(uint32_t));
	memcpy(right->child, children + m + 1, (n - m + 1) * sizeof(void *));
	return right;
}

void numbering__ordered_insert(struct numbering__ordered_pool *pool, struct numbering__ordered *tree, uint64_t key,
                               uint32_t value)
{
	struct inner *path[NUMBERING__ORDERED_DEPTH_MAX];
	uint32_t idx[NUMBERING__ORDERED_DEPTH_MAX];
	/* edge: +1 while the path is the rightmost one, -1 while the leftmost, else 0. */
	int right_edge = 1, left_edge = 1;
	void *node = tree->root;
	uint32_t levels = tree->height;
	/* Most inserts append (sort keys and expiries grow with time): a pair at or past
	 * a node's last separator, or a leaf's last pair, is placed without a search. */
	for (uint32_t level = 0; level + 1 < levels; level++) {
		struct inner *in = node;
		uint32_t n = in->h.count;
		uint32_t i = n > 0 && !pair_less(key, value, in->keys[n - 1], in->vals[n - 1]) ? n : inner_child(in, key, value);
		path[level] = in;
		idx[level] = i;
		right_edge &= i == n;
		left_edge &= i == 0;
		node = in->child[i];
	}
	struct leaf *leaf = node;
	uint32_t count = leaf->h.count;
	uint32_t pos = count > 0 && pair_less(leaf->keys[count - 1], leaf_cvals(leaf)[count - 1], key, value)
	                   ? count
	                   : leaf_lower(leaf, key, value);
	tree->count++;
	if (leaf->h.count < leaf->h.cap) {
		leaf_put(leaf, pos, key, value);
		return;
	}
	uint32_t n = leaf->h.count;
	uint32_t m = (right_edge && pos == n) ? n : (left_edge && pos == 0) ? 1 : (n + 1) / 2;
	struct leaf *right = node_take(pool);
	right->h.cap = LEAF_CAP;
	right->h.count = 0;
	right->h.unused = 0;
	if (pos < m) {
		leaf_move_tail(right, leaf, m - 1);
		leaf_put(leaf, pos, key, value);
	} else {
		leaf_move_tail(right, leaf, m);
		leaf_put(right, pos - m, key, value);
	}
	uint64_t up_key = right->keys[0];
	uint32_t up_value = leaf_vals(right)[0];
	void *up_child = right;
	for (uint32_t level = levels - 1; level-- > 0;) {
		struct inner *parent = path[level];
		if (parent->h.count < INNER_CAP) {
			inner_put(parent, idx[level], up_key, up_value, up_child);
			return;
		}
		int edge = 0;
		if (right_edge)
			edge = 1;
		else if (left_edge)
			edge = -1;
		up_child = inner_split(pool, parent, idx[level], up_key, up_value, up_child, edge, &up_key, &up_value);
	}
	struct inner *root = node_take(pool);
	root->h.count = 1;
	root->h.cap = 0;
	root->h.unused = 0;
	root->keys[0] = up_key;
	root->vals[0] = up_value;
	root->child[0] = tree->root;
	root->child[1] = up_child;
	tree->root = root;
	tree->height++;
}

int numbering__ordered_add(struct numbering__ordered_pool *pool, struct numbering__ordered *tree, uint64_t key,
                           uint32_t value)
{
	uint32_t need = 0;
	int rc = numbering__ordered_reserve(pool, tree, &need);
	if (rc == NUMBERING_OK)
		rc = numbering__ordered_pool_ensure(pool, need);
	if (rc == NUMBERING_OK)
		numbering__ordered_insert(pool, tree, key, value);
	return rc;
}

static struct leaf *find_leaf(const struct numbering__ordered *tree, uint64_t key, uint32_t value)
{
	void *node = tree->root;
	for (uint32_t level = 0; level + 1 < tree->height; level++) {
		struct inner *in = node;
		/* Removes come oldest first (expiries, numbers taken in order): a pair below a
		 * node's first separator is in its first child, found without a search. */
		uint32_t i =
		    in->h.count > 0 && pair_less(key, value, in->keys[0], in->vals[0]) ? 0 : inner_child(in, key, value);
		node = in->child[i];
	}
	return node;
}

int numbering__ordered_remove(struct numbering__ordered *tree, uint64_t key, uint32_t value)
{
	return numbering__ordered_take(tree, key, value) != 0;
}

int numbering__ordered_take(struct numbering__ordered *tree, uint64_t key, uint32_t value)
{
	if (tree->root == NULL)
		return 0;
	struct leaf *leaf = find_leaf(tree, key, value);
	uint32_t *vals = leaf_vals(leaf);
	uint32_t n = leaf->h.count;
	uint32_t pos = n > 0 && leaf->keys[0] == key && vals[0] == value ? 0 : leaf_lower(leaf, key, value);
	if (pos >= n || leaf->keys[pos] != key || vals[pos] != value)
		return 0;
	memmove(leaf->keys + pos, leaf->keys + pos + 1, (n - pos - 1) * sizeof(uint64_t));
	memmove(vals + pos, vals + pos + 1, (n - pos - 1) * sizeof(uint32_t));
	leaf->h.count = (uint16_t)(n - 1);
	tree->count--;
	return tree->height > 1 && n - 1 < LEAF_MIN ? 2 : 1;
}

int numbering__ordered_replace(struct numbering__ordered *tree, uint64_t key, uint32_t old, uint32_t value)
{
	if (tree->root == NULL)
		return 0;
	struct leaf *leaf = find_leaf(tree, key, old);
	uint32_t pos = leaf_lower(leaf, key, old);
	uint32_t *vals = leaf_vals(leaf);
	uint32_t n = leaf->h.count;
	if (pos >= n || leaf->keys[pos] != key || vals[pos] != old)
		return 0;
	/* A pair after the first of its leaf is no separator; the new one must sort
	 * between its neighbours, and when it is the leaf's last, below the old one (so
	 * below the separator that bounds the leaf). */
	if (pos == 0 || !pair_less(leaf->keys[pos - 1], vals[pos - 1], key, value))
		return 0;
	if (pos + 1 < n ? !pair_less(key, value, leaf->keys[pos + 1], vals[pos + 1]) : value > old)
		return 0;
	vals[pos] = value;
	return 1;
}

int numbering__ordered_rekey(struct numbering__ordered *tree, uint64_t key, uint32_t old, uint64_t new_key,
                             uint32_t value)
{
	if (tree->root == NULL || !pair_less(key, old, new_key, value))
		return 0;
	struct leaf *leaf = find_leaf(tree, key, old);
	uint32_t *vals = leaf_vals(leaf);
	uint32_t n = leaf->h.count;
	uint32_t pos = n > 0 && leaf->keys[0] == key && vals[0] == old ? 0 : leaf_lower(leaf, key, old);
	/* Not the leaf's last: the separator after the leaf is unknown here. */
	if (pos + 1 >= n || leaf->keys[pos] != key || vals[pos] != old ||
	    !pair_less(new_key, value, leaf->keys[pos + 1], vals[pos + 1]))
		return 0;
	leaf->keys[pos] = new_key;
	vals[pos] = value;
	return 1;
}

/* Evens out two neighbouring leaves under separator @j of @parent. */
static void leaf_balance(struct inner *parent, uint32_t j, struct leaf *left, struct leaf *right)
{
	uint32_t lc = left->h.count, rc = right->h.count, target = (lc + rc) / 2;
	uint32_t *lv = leaf_vals(left), *rv = leaf_vals(right);
	if (lc < target) {
		uint32_t t = target - lc;
		memcpy(left->keys + lc, right->keys, t * sizeof(uint64_t));
		memcpy(lv + lc, rv, t * sizeof(uint32_t));
		memmove(right->keys, right->keys + t, (rc - t) * sizeof(uint64_t));
		memmove(rv, rv + t, (rc - t) * sizeof(uint32_t));
		left->h.count = (uint16_t)(lc + t);
		right->h.count = (uint16_t)(rc - t);
	} else if (lc > target) {
		uint32_t t = lc - target;
		memmove(right->keys + t, right->keys, rc * sizeof(uint64_t));
		memmove(rv + t, rv, rc * sizeof(uint32_t));
		memcpy(right->keys, left->keys + target, t * sizeof(uint64_t));
		memcpy(rv, lv + target, t * sizeof(uint32_t));
		left->h.count = (uint16_t)target;
		right->h.count = (uint16_t)(rc + t);
	}
	parent->keys[j] = right->keys[0];
	parent->vals[j] = rv[0];
}

/* Evens out two neighbouring inner nodes by rotating separators through @parent. */
static void inner_balance(struct inner *parent, uint32_t j, struct inner *left, struct inner *right)
{
	uint32_t target = (left->h.count + right->h.count) / 2u;
	while (left->h.count < target) {
		uint32_t lc = left->h.count, rc = right->h.count;
		left->keys[lc] = parent->keys[j];
		left->vals[lc] = parent->vals[j];
		left->child[lc + 1] = right->child[0];
		parent->keys[j] = right->keys[0];
		parent->vals[j] = right->vals[0];
		memmove(right->keys, right->keys + 1, (rc - 1) * sizeof(uint64_t));
		memmove(right->vals, right->vals + 1, (rc - 1) * sizeof(uint32_t));
		memmove(right->child, right->child + 1, rc * sizeof(void *));
		left->h.count = (uint16_t)(lc + 1);
		right->h.count = (uint16_t)(rc - 1);
	}
	while (left->h.count > target) {
		uint32_t lc = left->h.count, rc = right->h.count;
		memmove(right->keys + 1, right->keys, rc * sizeof(uint64_t));
		memmove(right->vals + 1, right->vals, rc * sizeof(uint32_t));
		memmove(right->child + 1, right->child, (rc + 1) * sizeof(void *));
		right->keys[0] = parent->keys[j];
		right->vals[0] = parent->vals[j];
		right->child[0] = left->child[lc];
		parent->keys[j] = left->keys[lc - 1];
		parent->vals[j] = left->vals[lc - 1];
		left->h.count = (uint16_t)(lc - 1);
		right->h.count = (uint16_t)(rc + 1);
	}
}

void numbering__ordered_fix(struct numbering__ordered_pool *pool, struct numbering__ordered *tree, uint64_t key,
                            uint32_t value)
{
	if (tree->root == NULL || tree->height < 2)
		return;
	struct inner *path[NUMBERING__ORDERED_DEPTH_MAX];
	uint32_t idx[NUMBERING__ORDERED_DEPTH_MAX];
	uint32_t levels = tree->height;
	void *node = tree->root;
	for (uint32_t level = 0; level + 1 < levels; level++) {
		struct inner *in = node;
		path[level] = in;
		idx[level] = inner_child(in, key, value);
		node = in->child[idx[level]];
	}
	for (uint32_t level = levels - 1; level >= 1; level--) {
		int is_leaf = level == levels - 1;
		if (node_count(node) >= (is_leaf ? LEAF_MIN : INNER_MIN))
			break;
		struct inner *parent = path[level - 1];
		uint32_t i = idx[level - 1];
		if (parent->h.count == 0) {
			/* No sibling: the parent is underfull too, fix it instead. */
			node = parent;
			continue;
		}
		uint32_t j = i > 0 ? i - 1 : 0;
		void *left = parent->child[j], *right = parent->child[j + 1];
		if (is_leaf) {
			if (node_count(left) + node_count(right) <= LEAF_CAP) {
				leaf_move_tail(left, right, 0);
				inner_drop(parent, j);
				node_release(pool, right);
				node = parent;
				continue;
			}
			leaf_balance(parent, j, left, right);
			break;
		}
		struct inner *l = left, *r = right;
		if (l->h.count + r->h.count + 1u <= INNER_CAP) {
			uint32_t lc = l->h.count, rc = r->h.count;
			l->keys[lc] = parent->keys[j];
			l->vals[lc] = parent->vals[j];
			memcpy(l->keys + lc + 1, r->keys, rc * sizeof(uint64_t));
			memcpy(l->vals + lc + 1, r->vals, rc * sizeof(uint32_t));
			memcpy(l->child + lc + 1, r->child, (rc + 1) * sizeof(void *));
			l->h.count = (uint16_t)(lc + 1 + rc);
			inner_drop(parent, j);
			node_release(pool, r);
			node = parent;
			continue;
		}
		inner_balance(parent, j, l, r);
		break;
	}
	while (tree->height > 1) {
		struct inner *root = tree->root;
		if (root->h.count > 0)
			break;
		tree->root = root->child[0];
		tree->height--;
		node_release(pool, root);
	}
}

/* Cursors: node[level] and pos[level] (a child index in inner nodes, a pair index in
 * the leaf) from the root down. */

static const struct leaf *cursor_leaf(const struct numbering__ordered_cursor *c)
{
	return c->node[c->height - 1];
}

/* Moves to the first pair of the next leaf that has one. */
static int leaf_forward(struct numbering__ordered_cursor *c)
{
	for (;;) {
		int level = (int)c->height - 2;
		while (level >= 0 && c->pos[level] >= node_count(c->node[level]))
			level--;
		if (level < 0)
			return 0;
		c->pos[level]++;
		for (; level + 1 < (int)c->height; level++) {
			const struct inner *in = c->node[level];
			c->node[level + 1] = in->child[c->pos[level]];
			c->pos[level + 1] = 0;
		}
		if (node_count(cursor_leaf(c)) > 0)
			return 1;
	}
}

/* Moves to the last pair of the previous leaf that has one. */
static int leaf_backward(struct numbering__ordered_cursor *c)
{
	for (;;) {
		int level = (int)c->height - 2;
		while (level >= 0 && c->pos[level] == 0)
			level--;
		if (level < 0)
			return 0;
		c->pos[level]--;
		for (; level + 1 < (int)c->height; level++) {
			const struct inner *in = c->node[level];
			const void *child = in->child[c->pos[level]];
			c->node[level + 1] = child;
			c->pos[level + 1] = (uint16_t)node_count(child);
		}
		uint32_t n = node_count(cursor_leaf(c));
		if (n > 0) {
			c->pos[c->height - 1] = (uint16_t)(n - 1);
			return 1;
		}
	}
}

#if defined(__GNUC__)
#define ORDERED_PREFETCH(p) __builtin_prefetch(p)
#else
#define ORDERED_PREFETCH(p) ((void)(p))
#endif

/* Asks for every cache line of a node at once before it is searched: a search's
 * loads depend on each other, so in a tree larger than the cache they would miss one
 * after the other; requested together, the misses overlap. */
static void prefetch_node(const void *node, size_t bytes)
{
	const char *p = node;
	for (size_t off = 0; off < bytes; off += 64)
		ORDERED_PREFETCH(p + off);
}

/* Descends towards (key, value) through the inner nodes to the leaf, which it
 * prefetches without reading it. */
static void cursor_to_leaf(struct numbering__ordered_cursor *c, const struct numbering__ordered *tree, uint64_t key,
                           uint32_t value)
{
	const void *node = tree->root;
	c->height = tree->height;
	/* Not the root: every search of the tree reads it, so it stays in the cache (a
	 * node's prefetch costs about 50 instructions, a fifth of a seek). */
	for (uint32_t level = 0; level + 1 < tree->height; level++) {
		const struct inner *in = node;
		if (level > 0)
			prefetch_node(in, offsetof(struct inner, child) + (in->h.count + 1) * sizeof(void *));
		uint32_t i = inner_child(in, key, value);
		c->node[level] = in;
		c->pos[level] = (uint16_t)i;
		node = in->child[i];
	}
	c->node[tree->height - 1] = node;
	if (tree->height > 1)
		prefetch_node(node, leaf_bytes(((const struct head *)node)->cap));
}

/* Descends towards (key, value); leaves pos[leaf] at the first pair > it when
 * @upper, else at the first pair >= it. */
static void cursor_descend(struct numbering__ordered_cursor *c, const struct numbering__ordered *tree, uint64_t key,
                           uint32_t value, int upper)
{
	cursor_to_leaf(c, tree, key, value);
	const void *leaf = c->node[c->height - 1];
	c->pos[c->height - 1] = (uint16_t)(upper ? leaf_upper(leaf, key, value) : leaf_lower(leaf, key, value));
}

int numbering__ordered_seek_ge(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree,
                               uint64_t key, uint32_t value)
{
	if (tree->root == NULL)
		return 0;
	cursor_descend(cursor, tree, key, value, 0);
	if (cursor->pos[cursor->height - 1] < node_count(cursor_leaf(cursor)))
		return 1;
	return leaf_forward(cursor);
}

int numbering__ordered_seek_le(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree,
                               uint64_t key, uint32_t value)
{
	if (tree->root == NULL)
		return 0;
	cursor_descend(cursor, tree, key, value, 1);
	uint16_t *pos = &cursor->pos[cursor->height - 1];
	if (*pos > 0) {
		(*pos)--;
		return 1;
	}
	return leaf_backward(cursor);
}

int numbering__ordered_seek_le_start(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree,
                                     uint64_t key, uint32_t value)
{
	if (tree->root == NULL)
		return 0;
	cursor_to_leaf(cursor, tree, key, value);
	return 1;
}

int numbering__ordered_seek_le_finish(struct numbering__ordered_cursor *cursor, uint64_t key, uint32_t value)
{
	uint16_t *pos = &cursor->pos[cursor->height - 1];
	*pos = (uint16_t)leaf_upper(cursor_leaf(cursor), key, value);
	if (*pos > 0) {
		(*pos)--;
		return 1;
	}
	return leaf_backward(cursor);
}

int numbering__ordered_first(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree)
{
	return numbering__ordered_seek_ge(cursor, tree, 0, 0);
}

int numbering__ordered_last(struct numbering__ordered_cursor *cursor, const struct numbering__ordered *tree)
{
	return numbering__ordered_seek_le(cursor, tree, UINT64_MAX, UINT32_MAX);
}

int numbering__ordered_next(struct numbering__ordered_cursor *cursor)
{
	uint16_t *pos = &cursor->pos[cursor->height - 1];
	if (*pos + 1u < node_count(cursor_leaf(cursor))) {
		(*pos)++;
		return 1;
	}
	return leaf_forward(cursor);
}

int numbering__ordered_prev(struct numbering__ordered_cursor *cursor)
{
	uint16_t *pos = &cursor->pos[cursor->height - 1];
	if (*pos > 0) {
		(*pos)--;
		return 1;
	}
	return leaf_backward(cursor);
}

uint64_t numbering__ordered_key(const struct numbering__ordered_cursor *cursor)
{
	return cursor_leaf(cursor)->keys[cursor->pos[cursor->height - 1]];
}

uint32_t numbering__ordered_value(const struct numbering__ordered_cursor *cursor)
{
	return leaf_cvals(cursor_leaf(cursor))[cursor->pos[cursor->height - 1]];
}

int numbering__ordered_peek(const struct numbering__ordered_cursor *cursor, unsigned ahead, uint32_t *value)
{
	const struct leaf *leaf = cursor_leaf(cursor);
	uint32_t pos = cursor->pos[cursor->height - 1] + ahead;
	if (pos >= leaf->h.count)
		return 0;
	*value = leaf_cvals(leaf)[pos];
	return 1;
}

/* Checks the subtree under @node against the bounds lo <= p < hi (NULL: unbounded);
 * returns the pairs counted, or -1. */
static long check_node(const void *node, uint32_t levels, const uint64_t *lo_key, const uint32_t *lo_val,
                       const uint64_t *hi_key, const uint32_t *hi_val)
{
	if (levels == 1) {
		const struct leaf *leaf = node;
		const uint32_t *vals = leaf_cvals(leaf);
		if (leaf->h.count > leaf->h.cap || leaf->h.cap > LEAF_CAP)
			return -1;
		for (uint32_t i = 0; i < leaf->h.count; i++) {
			if (i > 0 && !pair_less(leaf->keys[i - 1], vals[i - 1], leaf->keys[i], vals[i]))
				return -1;
			if (lo_key && pair_less(leaf->keys[i], vals[i], *lo_key, *lo_val))
				return -1;
			if (hi_key && !pair_less(leaf->keys[i], vals[i], *hi_key, *hi_val))
				return -1;
		}
		return leaf->h.count;
	}
	const struct inner *in = node;
	if (in->h.count > INNER_CAP)
		return -1;
	long total = 0;
	for (uint32_t i = 0; i <= in->h.count; i++) {
		if (i > 0 && i < in->h.count && !pair_less(in->keys[i - 1], in->vals[i - 1], in->keys[i], in->vals[i]))
			return -1;
		if (in->child[i] == NULL)
			return -1;
		long n = check_node(in->child[i], levels - 1, i > 0 ? &in->keys[i - 1] : lo_key,
		                    i > 0 ? &in->vals[i - 1] : lo_val, i < in->h.count ? &in->keys[i] : hi_key,
		                    i < in->h.count ? &in->vals[i] : hi_val);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

int numbering__ordered_check(const struct numbering__ordered *tree)
{
	if (tree->root == NULL)
		return tree->count == 0 && tree->height == 0 ? 0 : -1;
	if (tree->height == 0 || tree->height > NUMBERING__ORDERED_DEPTH_MAX)
		return -1;
	long n = check_node(tree->root, tree->height, NULL, NULL, NULL, NULL);
	return n == (long)tree->count ? 0 : -1;
}
