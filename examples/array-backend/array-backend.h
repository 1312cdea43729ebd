/* A storage backend written outside the library, against numbering/sys/backend.h only. */
#ifndef ARRAY_BACKEND_H
#define ARRAY_BACKEND_H

#include <numbering/sys/backend.h>

/* Opens an empty array backend; pass it as numbering_options.backend. */
int array_backend_new(numbering_backend **out);

/* How many times each vtable function was called (a test seam, as libgit2's fake backends count). */
struct array_backend_calls {
	long begin, commit, rollback, get, put, remove, find, list, meta_get, meta_put;
};
const struct array_backend_calls *array_backend_calls(const numbering_backend *backend);

#endif
