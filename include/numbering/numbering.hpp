// numbering/numbering.hpp: libnumbering's header-only C++17 wrapper over its C API,
// installed beside numbering/numbering.h (include it as <numbering/numbering.hpp> and link
// with `pkg-config --cflags --libs numbering`; examples/cpp/main.cpp uses all of it).
//
// Every handle has one owner: Store, Instance, Number, Resolution and ListPage hold their C
// handle in a std::unique_ptr whose deleter is the library's _free/_close function,
// so they are movable, not copyable, and release their handle on every path,
// exceptions included. A failing call throws numbering::Error, which carries the
// google.rpc code, its name, the HTTP status that goes with it, the message and the
// field violations copied out of the calling thread's last error. A std::string holding a
// NUL is refused with Error (INVALID_ARGUMENT naming the parameter) before any call: C reads
// a text only up to its first NUL, so "user:ops\0mallory" would be the caller user:ops.
//
// Thread safety is the C library's: a Store may be shared by threads; an Instance,
// a Resolution or a ListPage belongs to one thread at a time.
#ifndef NUMBERING_NUMBERING_HPP
#define NUMBERING_NUMBERING_HPP

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "numbering/numbering.hpp needs C++17 (-std=c++17 or later); C and older C++ use numbering/numbering.h"
#endif

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <numbering/numbering.h>

namespace numbering {

/// One field violation of an INVALID_ARGUMENT (or other) error.
struct FieldViolation {
	std::string field;
	std::string description;
};

/// A failed call: the thread's last error, copied when the call failed.
class Error : public std::runtime_error {
public:
	explicit Error(int code)
	    : std::runtime_error(std::string(numbering_status_name(code)) + ": " + numbering_error_message()),
	      code_(code), message_(numbering_error_message())
	{
		for (int i = 0; i < numbering_error_violation_count(); i++)
			violations_.push_back({numbering_error_violation_field(i), numbering_error_violation_description(i)});
	}
	/// The google.rpc code (NUMBERING_INVALID_ARGUMENT ...).
	int code() const noexcept { return code_; }
	/// Its name, e.g. "INVALID_ARGUMENT".
	const char *status() const noexcept { return numbering_status_name(code_); }
	/// The HTTP status that goes with the code (400 for INVALID_ARGUMENT, 404, 409 ...).
	int http_status() const noexcept { return numbering_status_http(code_); }
	/// The library's message, without the status prefix what() has.
	const std::string &message() const noexcept { return message_; }
	const std::vector<FieldViolation> &field_violations() const noexcept { return violations_; }

	/// An error the wrapper finds itself, before calling the library (a text holding a
	/// NUL): @p code, @p message, and one violation of @p field saying the same.
	Error(int code, const std::string &field, const std::string &message)
	    : std::runtime_error(std::string(numbering_status_name(code)) + ": " + message), code_(code),
	      message_(message), violations_{{field, message}}
	{
	}

private:
	int code_;
	std::string message_;
	std::vector<FieldViolation> violations_;
};

namespace detail {
inline void check(int rc)
{
	if (rc != NUMBERING_OK)
		throw Error(rc);
}
/// @p s for the const char * parameter @p field; one holding a NUL throws Error
/// (INVALID_ARGUMENT naming @p field and where), as the library would see only its part
/// before the NUL.
inline const char *c_str(const std::string &s, const char *field)
{
	std::string::size_type at = s.find('\0');
	if (at != std::string::npos)
		throw Error(NUMBERING_INVALID_ARGUMENT, field,
		            std::string(field) + ": embedded NUL at byte " + std::to_string(at) +
		                " (C would read the text only up to it)");
	return s.c_str();
}
/// c_str(), or NULL for an empty @p s.
inline const char *c_str_or_null(const std::string &s, const char *field)
{
	return s.empty() ? nullptr : c_str(s, field);
}

template <typename T, void (*Free)(T *)> struct Deleter {
	void operator()(T *p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T *)> using Owner = std::unique_ptr<T, Deleter<T, Free>>;
} // namespace detail

/// A parsed phone number (numbering/e164.h): reusable, parse into it as often as needed.
class Number {
public:
	Number()
	{
		numbering_number *p = nullptr;
		detail::check(numbering_number_new(&p));
		handle_.reset(p);
	}
	/// Parses "+E164", a national number of @p region, or an international-prefix form.
	static Number parse(const std::string &text, const std::string &region = std::string())
	{
		Number n;
		n.assign(text, region);
		return n;
	}
	/// Parses into this object; throws Error (INVALID_ARGUMENT) when it is not a number.
	void assign(const std::string &text, const std::string &region = std::string())
	{
		detail::check(numbering_e164_parse(handle_.get(), detail::c_str(text, "text"),
		                                   detail::c_str_or_null(region, "region")));
	}
	std::string e164() const { return numbering_number_e164(handle_.get()); }
	int country_code() const noexcept { return numbering_number_country_code(handle_.get()); }
	std::string national() const { return numbering_number_national(handle_.get()); }
	std::string region() const
	{
		const char *r = numbering_number_region(handle_.get(), 0);
		return r != nullptr ? r : "";
	}
	bool is_possible() const noexcept { return numbering_number_is_possible(handle_.get()) != 0; }

private:
	detail::Owner<numbering_number, numbering_number_free> handle_;
};

/// A PhoneNumberInstance value: built as a request, or returned by the store.
class Instance {
public:
	/// An empty instance, to fill with setters and pass to Store::create/update.
	Instance()
	{
		numbering_instance *p = nullptr;
		detail::check(numbering_instance_new(&p));
		handle_.reset(p);
	}
	/// Takes ownership of a C instance.
	explicit Instance(numbering_instance *owned) noexcept : handle_(owned) {}
	/// A copy of a borrowed C instance (e.g. one a ListPage or a Resolution owns).
	static Instance copy_of(const numbering_instance *borrowed)
	{
		numbering_instance *p = nullptr;
		detail::check(numbering_instance_copy(&p, borrowed));
		return Instance(p);
	}

	const numbering_instance *get() const noexcept { return handle_.get(); }
	numbering_instance *get() noexcept { return handle_.get(); }

	std::string name() const { return numbering_instance_name(get()); }
	std::string phone_number() const { return numbering_instance_phone_number(get()); }
	std::string display_name() const { return numbering_instance_display_name(get()); }
	int lifecycle_state() const noexcept { return numbering_instance_lifecycle_state(get()); }
	std::string lifecycle_state_name() const { return numbering_lifecycle_state_name(lifecycle_state()); }
	bool is_range() const noexcept { return numbering_instance_is_range(get()) != 0; }
	std::int64_t range_size() const noexcept { return numbering_instance_range_size(get()); }
	std::string range_end() const { return numbering_instance_range_end(get()); }
	std::vector<std::string> call_handlers() const
	{
		std::vector<std::string> uris;
		for (int i = 0; i < numbering_instance_call_handler_count(get()); i++)
			uris.emplace_back(numbering_instance_call_handler(get(), i));
		return uris;
	}

	Instance &set_phone_number(const std::string &text)
	{
		detail::check(numbering_instance_set_phone_number(get(), detail::c_str(text, "phone_number")));
		return *this;
	}
	Instance &set_display_name(const std::string &text)
	{
		detail::check(numbering_instance_set_display_name(get(), detail::c_str(text, "display_name")));
		return *this;
	}
	Instance &set_label(const std::string &key, const std::string &value)
	{
		detail::check(numbering_instance_set_label(get(), detail::c_str(key, "labels key"),
		                                           detail::c_str(value, "labels value")));
		return *this;
	}
	Instance &add_call_handler(const std::string &uri)
	{
		detail::check(numbering_instance_add_call_handler(get(), detail::c_str(uri, "incoming_call_handler_uris")));
		return *this;
	}
	Instance &set_lifecycle_state(int state)
	{
		detail::check(numbering_instance_set_lifecycle_state(get(), state));
		return *this;
	}

private:
	detail::Owner<numbering_instance, numbering_instance_free> handle_;
};

/// The answer to "who owns this dialed number?": reuse one per thread on the hot path.
class Resolution {
public:
	Resolution()
	{
		numbering_resolution *p = nullptr;
		detail::check(numbering_resolution_new(&p));
		handle_.reset(p);
	}
	numbering_resolution *get() noexcept { return handle_.get(); }
	/// The owner, borrowed: valid until this resolution is reused or destroyed.
	const numbering_instance *owner() const noexcept { return numbering_resolution_instance(handle_.get()); }
	std::string phone_number() const { return numbering_resolution_phone_number(handle_.get()); }

private:
	detail::Owner<numbering_resolution, numbering_resolution_free> handle_;
};

/// One page of a list call; its instances are borrowed from it.
class ListPage {
public:
	explicit ListPage(numbering_list_page *owned) noexcept : handle_(owned) {}
	int size() const noexcept { return numbering_list_page_count(handle_.get()); }
	const numbering_instance *operator[](int i) const noexcept
	{
		return numbering_list_page_instance(handle_.get(), i);
	}
	std::string next_page_token() const { return numbering_list_page_next_token(handle_.get()); }

private:
	detail::Owner<numbering_list_page, numbering_list_page_free> handle_;
};

/// What to list.
struct ListOptions {
	int page_size = 0;
	std::string page_token;
	std::string prefix;
	bool include_deleted = false;
};

/// A store: the service over a backend. Shareable by threads.
class Store {
public:
	/// Opens a memory store that allows every call, with @p default_region for national numbers.
	explicit Store(const std::string &default_region = std::string())
	{
		numbering_options options = NUMBERING_OPTIONS_INIT;
		options.default_region = detail::c_str_or_null(default_region, "default_region");
		open(options);
	}
	/// Opens a store with options the caller filled (NUMBERING_OPTIONS_INIT first).
	explicit Store(const numbering_options &options) { open(options); }

	numbering_store *get() noexcept { return handle_.get(); }

	/// Sets the principal passed to every call (e.g. "user:alice"); empty for none. One
	/// holding a NUL throws Error and leaves the caller as it was.
	void set_caller(std::string caller)
	{
		detail::c_str(caller, "caller");
		caller_ = std::move(caller);
	}

	Instance create(const std::string &parent, const Instance &request, const std::string &id = std::string(),
	                const std::string &request_id = std::string())
	{
		numbering_instance *out = nullptr;
		detail::check(numbering_store_create(&out, get(), caller(), detail::c_str(parent, "parent"), request.get(),
		                                     detail::c_str_or_null(id, "instance_id"),
		                                     detail::c_str_or_null(request_id, "request_id"), nullptr));
		return Instance(out);
	}
	Instance get(const std::string &name) { return by_name(numbering_store_get, name); }
	/// Gets @p name into @p into, an Instance made once and reused for every call
	/// (numbering_store_get_into(): no allocation once it has grown); returns false
	/// when there is no such instance (NOT_FOUND, @p into left empty), throws for
	/// anything else.
	bool get_into(Instance &into, const std::string &name)
	{
		int rc = numbering_store_get_into(into.get(), get(), caller(), detail::c_str(name, "name"));
		if (rc == NUMBERING_NOT_FOUND)
			return false;
		detail::check(rc);
		return true;
	}
	Instance remove(const std::string &name) { return by_name(numbering_store_delete, name); }
	Instance activate(const std::string &name) { return by_name(numbering_store_activate, name); }
	Instance suspend(const std::string &name) { return by_name(numbering_store_suspend, name); }
	Instance resume(const std::string &name) { return by_name(numbering_store_resume, name); }
	Instance update(const std::string &name, const Instance &request, const std::string &mask)
	{
		numbering_instance *out = nullptr;
		detail::check(numbering_store_update(&out, get(), caller(), detail::c_str(name, "name"), request.get(),
		                                     detail::c_str(mask, "update_mask")));
		return Instance(out);
	}
	Instance move(const std::string &name, const std::string &destination)
	{
		numbering_instance *out = nullptr;
		detail::check(numbering_store_move(&out, get(), caller(), detail::c_str(name, "name"),
		                                   detail::c_str(destination, "destination_parent"), nullptr));
		return Instance(out);
	}
	std::pair<Instance, Instance> split_range(const std::string &name, std::int64_t size)
	{
		numbering_instance *first = nullptr, *second = nullptr;
		detail::check(
		    numbering_store_split_range(&first, &second, get(), caller(), detail::c_str(name, "name"), size));
		return {Instance(first), Instance(second)};
	}
	ListPage list(const std::string &parent, const ListOptions &opts = ListOptions())
	{
		numbering_list_request *p = nullptr;
		detail::check(numbering_list_request_new(&p));
		detail::Owner<numbering_list_request, numbering_list_request_free> request(p);
		detail::check(numbering_list_request_set_parent(p, detail::c_str(parent, "parent")));
		detail::check(numbering_list_request_set_page_size(p, opts.page_size));
		detail::check(numbering_list_request_set_page_token(p, detail::c_str_or_null(opts.page_token, "page_token")));
		detail::check(numbering_list_request_set_prefix(p, detail::c_str_or_null(opts.prefix, "prefix")));
		detail::check(numbering_list_request_set_include_deleted(p, opts.include_deleted ? 1 : 0));
		numbering_list_page *page = nullptr;
		detail::check(numbering_store_list(&page, get(), caller(), p));
		return ListPage(page);
	}
	/// Resolves into @p into; returns false when nobody owns the number (NOT_FOUND),
	/// throws for anything else (a malformed number is INVALID_ARGUMENT).
	bool resolve(Resolution &into, const std::string &dialed)
	{
		int rc = numbering_store_resolve(into.get(), get(), caller(), detail::c_str(dialed, "phone_number"), nullptr);
		if (rc == NUMBERING_NOT_FOUND)
			return false;
		detail::check(rc);
		return true;
	}
	/// The JSON entry point: throws with the error body's details when the call fails.
	std::string call_json(const std::string &method, const std::string &request_json)
	{
		char *response = nullptr;
		const char *m = detail::c_str(method, "method");
		int rc = numbering_store_call_json(&response, get(), caller(), m, detail::c_str(request_json, "request"));
		detail::Owner<void, numbering_free> owned(response);
		detail::check(rc);
		return std::string(response);
	}

private:
	using NameOp = int (*)(numbering_instance **, numbering_store *, const char *, const char *);
	const char *caller() const noexcept { return caller_.empty() ? nullptr : caller_.c_str(); } /* no NUL: set_caller() */
	void open(const numbering_options &options)
	{
		numbering_store *p = nullptr;
		detail::check(numbering_store_open(&p, &options));
		handle_.reset(p);
	}
	Instance by_name(NameOp op, const std::string &name)
	{
		numbering_instance *out = nullptr;
		detail::check(op(&out, get(), caller(), detail::c_str(name, "name")));
		return Instance(out);
	}

	detail::Owner<numbering_store, numbering_store_close> handle_;
	std::string caller_;
};

} // namespace numbering

#endif // NUMBERING_NUMBERING_HPP
