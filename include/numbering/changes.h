/**
 * @file numbering/changes.h
 * @brief The change journal: every commit that changes a resource gets the next
 *        sequence number, and a host that caches what the store holds (a SIP
 *        server's own hash table, a second data centre) follows the store by asking
 *        for the changes after the last sequence it has seen.
 *
 * A commit's changes say, for each record it wrote, its kind
 * (numbering_record_kind_name(): "phoneNumberInstance", "availableNumber", ...), its
 * name and what happened: "created" (an instance stored for the first time),
 * "updated" (any other write: for kinds other than instances this includes the first
 * one), "deleted" (removed, or an instance that became DELETED), or "reload" (with an
 * empty name: the commit changed more records of that kind than a journal entry
 * lists, NUMBERING_CHANGES_LISTED_MAX, so re-read every record of the kind you
 * cache). A host re-reads what a change names; it never needs the old value.
 *
 * Sequence numbers are 1, 2, 3 ... with no gap, survive reopening and compaction,
 * and are never handed out twice. The journal keeps a window of the latest commits
 * (numbering_options.changes_window, NUMBERING_CHANGES_WINDOW_DEFAULT): the oldest
 * kept is the horizon. A host that asks for changes from before the horizon missed
 * some and gets NUMBERING_FAILED_PRECONDITION telling it to reload.
 *
 * How a host follows (docs/CHANGES-JOURNAL.md): list with @c after_sequence 0 to learn
 * numbering_change_page_last_sequence() L, load what it caches, then list from L,
 * again and again from numbering_change_page_next_sequence(). Changes committed
 * during the load are seen again: re-reading is harmless.
 *
 * Thread safety: the call may run beside every other store call; a page is not shared
 * between threads while one of them frees it.
 */
#ifndef NUMBERING_CHANGES_H
#define NUMBERING_CHANGES_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A page of the change journal: opaque, the caller's, freed with numbering_change_page_free(). */
typedef struct numbering_change_page numbering_change_page;

/** The most changes a page holds (a page holds whole commits: see numbering_store_list_changes()). */
#define NUMBERING_CHANGES_PAGE_MAX 1000
/** The changes a page holds when the page size is 0. */
#define NUMBERING_CHANGES_PAGE_DEFAULT 100
/** The commits the journal keeps when numbering_options.changes_window is 0. */
#define NUMBERING_CHANGES_WINDOW_DEFAULT 100000
/** The most changes a commit lists by name; beyond them, one "reload" change per kind. */
#define NUMBERING_CHANGES_LISTED_MAX 32

/**
 * The changes committed after @p after_sequence, oldest first (ListChanges).
 *
 * A page holds whole commits: the changes of the commits after @p after_sequence, in
 * order, while they fit in @p page_size, and always the first such commit whole (a
 * commit lists at most NUMBERING_CHANGES_LISTED_MAX changes by name and a "reload"
 * per kind beyond them, so a page may exceed @p page_size by that much).
 * @param[out] out the page, the caller's; NULL on failure.
 * @param[in] store the store.
 * @param[in] caller who asks; needs numbering.changes.list on "*" (the host: the journal
 *            names the records of every project).
 * @param[in] after_sequence the last sequence seen (0: from the start).
 * @param[in] page_size the most changes to return, 1 .. NUMBERING_CHANGES_PAGE_MAX;
 *            0 for NUMBERING_CHANGES_PAGE_DEFAULT.
 * @return NUMBERING_OK (an empty page when nothing was committed after
 *         @p after_sequence); NUMBERING_INVALID_ARGUMENT for a NULL @p out or
 *         @p store, a negative @p after_sequence (field "afterSequence") or a page
 *         size outside the range (field "pageSize"); NUMBERING_PERMISSION_DENIED;
 *         NUMBERING_FAILED_PRECONDITION (field "afterSequence") when @p after_sequence
 *         is before the horizon (changes after it were trimmed) or after the store's
 *         last sequence (a store other than the one followed, or one restored from an
 *         older copy): the message names both and says to reload;
 *         NUMBERING_DATA_LOSS for a damaged journal record; NUMBERING_RESOURCE_EXHAUSTED;
 *         the backend's errors.
 */
NUMBERING_EXTERN(int) numbering_store_list_changes(numbering_change_page **out, numbering_store *store,
                                                   const char *caller, int64_t after_sequence, int page_size);

/**
 * How many changes a page holds.
 * @param[in] page the page; NULL reads as empty.
 * @return 0 .. page size.
 */
NUMBERING_EXTERN(int) numbering_change_page_count(const numbering_change_page *page);

/**
 * The sequence of the commit that made change @p i (several changes of one commit share it).
 * @param[in] page the page.
 * @param[in] i 0 .. count - 1.
 * @return 1 or more; 0 for a NULL page or an index outside it.
 */
NUMBERING_EXTERN(int64_t) numbering_change_page_sequence(const numbering_change_page *page, int i);

/**
 * The store's time at the commit that made change @p i, ns since 1970: the time the
 * commit handed out (a create, delete, activation ...), or the latest one before it
 * (an update takes none). Order changes by sequence, not by time.
 * @param[in] page the page.
 * @param[in] i 0 .. count - 1.
 * @return the time; 0 for a NULL page or an index outside it.
 */
NUMBERING_EXTERN(int64_t) numbering_change_page_time(const numbering_change_page *page, int i);

/**
 * The kind of the record change @p i is about (numbering_record_kind_name()).
 * @param[in] page the page.
 * @param[in] i 0 .. count - 1.
 * @return borrowed, static; NULL for a NULL page or an index outside it.
 */
NUMBERING_EXTERN(const char *) numbering_change_page_kind(const numbering_change_page *page, int i);

/**
 * The name of the record change @p i is about ("" for a "reload").
 * @param[in] page the page.
 * @param[in] i 0 .. count - 1.
 * @return borrowed, valid until the page is freed; NULL for a NULL page or an index outside it.
 */
NUMBERING_EXTERN(const char *) numbering_change_page_name(const numbering_change_page *page, int i);

/**
 * What happened: "created", "updated", "deleted" or "reload".
 * @param[in] page the page.
 * @param[in] i 0 .. count - 1.
 * @return borrowed, static; NULL for a NULL page or an index outside it.
 */
NUMBERING_EXTERN(const char *) numbering_change_page_change(const numbering_change_page *page, int i);

/**
 * The @c after_sequence of the next call: the sequence of the page's last change, or
 * the @c after_sequence asked when the page is empty.
 * @param[in] page the page.
 * @return 0 or more; 0 for a NULL page.
 */
NUMBERING_EXTERN(int64_t) numbering_change_page_next_sequence(const numbering_change_page *page);

/**
 * The store's last sequence when the page was read (0: no change committed yet):
 * where a host that reloads starts following.
 * @param[in] page the page.
 * @return 0 or more; 0 for a NULL page.
 */
NUMBERING_EXTERN(int64_t) numbering_change_page_last_sequence(const numbering_change_page *page);

/**
 * The oldest sequence the journal kept when the page was read (the horizon; the last
 * sequence + 1 when it keeps none): @c after_sequence must be at least this minus 1.
 * @param[in] page the page.
 * @return 1 or more; 0 for a NULL page.
 */
NUMBERING_EXTERN(int64_t) numbering_change_page_horizon(const numbering_change_page *page);

/**
 * Frees a page and the texts it lent.
 * @param[in] page the page, or NULL (nothing happens).
 */
NUMBERING_EXTERN(void) numbering_change_page_free(numbering_change_page *page);

#ifdef __cplusplus
}
#endif

#endif
