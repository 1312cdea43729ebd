"""Store: the PhoneNumberInstances service, over the library's JSON entry point
(numbering_store_call_json). Instances are plain dicts in proto3 JSON form, exactly
as docs/JSON-API.md shows them."""
import ctypes
import functools
import json
import os
import re
import time
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import _lib
from .errors import NumberingError


Instance = Dict[str, Any]
"""An instance (or any response) as the JSON entry point writes it: a dict in proto3 JSON form."""

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_NUMBER_SERVICE = "number_service_"


def method_name(snake: str) -> str:
    """The JSON entry point's method for a Python name: "list_phone_number_instances" ->
    "ListPhoneNumberInstances", "number_service_rent_number" -> "NumberService_RentNumber"
    (the Sinch NumberService methods keep their prefix and underscore)."""
    if snake.startswith(_NUMBER_SERVICE):
        return "NumberService_" + method_name(snake[len(_NUMBER_SERVICE):])
    return "".join(word.capitalize() for word in snake.split("_"))


def python_name(method: str) -> str:
    """The Python name of a JSON method, the inverse of method_name():
    "GetPhoneNumberInstance" -> "get_phone_number_instance"."""
    return "_".join(re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", part).lower() for part in method.split("_"))


def _check(**params: Any) -> None:
    """Refuses a parameter holding a NUL (in a str, or in a key or string of a dict or
    list) with ValueError naming it, before it is put into a request: C would read the
    text only up to the NUL."""
    for name, value in params.items():
        _lib.check_json(value, name)


class Page(List[Instance]):
    """One page of instances (a list of dicts) with its next_page_token ("" on the last page)."""

    next_page_token: str

    def __init__(self, instances: List[Instance], next_page_token: str) -> None:
        super().__init__(instances)
        self.next_page_token = next_page_token


class Store:
    """A store over a memory backend, or over a file backend when @path is given.

    Args:
        path: a store file (created when absent) to keep the instances in, or None for memory.
        default_region: region of national numbers ("AU"), or None.
        caller: the principal passed to every call ("user:alice"), or None.
        policy: a built-in policy (a dict or its JSON text) that authorizes calls.
        authorizer: a callable(caller, permission, project) -> bool; overrides policy
            (caller is None for a call made without one).
        on_event: a callable(event_dict) receiving each event after a commit.
        regulatory_requirements: e.g. "AU:*", or None.
        max_instances: refuse creates and splits past this many instances (deleted ones
            count) with RESOURCE_EXHAUSTED; 0 for no cap.
        read_only: with @path, read a snapshot of the store file as it is now, without
            its lock (so while another process has it open); writes raise
            FAILED_PRECONDITION. The file must exist.
        shared_index: with @path, the shared index PATH.idx (docs/FILE-FORMAT.md, "The
            shared index"): a writable store makes it and keeps it with every commit; a
            read_only one answers get and resolve through it, so reader processes (PBX
            workers) share their memory instead of each loading the store.
        provisioning: "immediate" (an active number's SMS and voice configuration
            takes effect at once) or "manual" (the host claims provisioning tasks and
            completes each: claim_provisioning_tasks(), complete_provisioning_task(),
            docs/SINCH.md).
        clock: a callable() -> int giving the time in nanoseconds since 1970 (the
            library's clock: leases, expiries, billing), or None for the real clock.

    Every text given (path, caller, policy, method, request fields ...) must be free of
    NUL characters: C would read it only up to the NUL, so one is refused with
    ValueError naming the parameter, as Python's own APIs refuse it.

    A Store may be shared by threads (the library serializes writes and runs reads in
    parallel). Close it with close() or use it as a context manager.
    """

    def __init__(self, path: "Union[str, bytes, os.PathLike[str], os.PathLike[bytes], None]" = None,
                 default_region: Optional[str] = None, caller: Optional[str] = None,
                 policy: Union[str, Mapping[str, Any], None] = None,
                 authorizer: Optional[Callable[[Optional[str], str, str], bool]] = None,
                 on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
                 regulatory_requirements: Optional[str] = None, max_instances: int = 0,
                 read_only: bool = False, shared_index: bool = False, provisioning: str = "immediate",
                 clock: Optional[Callable[[], int]] = None) -> None:
        lib = _lib.lib
        self._handle = None
        self._policy = None
        self._callbacks: List[Any] = []  # keeps the C callbacks alive as long as the store
        _lib.encode(caller, "caller")  # refused now rather than at the first call
        self.caller = caller
        self._default_region = _lib.encode(default_region, "default_region")
        self._requirements = _lib.encode(regulatory_requirements, "regulatory_requirements")
        encoded_path = _lib.encode_path(path) if path is not None else None
        options = _lib.Options()
        rc = lib.numbering_options_init(ctypes.byref(options), _lib.OPTIONS_VERSION)
        if rc != 0:
            raise NumberingError.last(rc)
        options.default_region = self._default_region
        options.regulatory_requirements = self._requirements
        options.max_instances = _lib.check_int64(max_instances, "max_instances")
        _lib.check_text(provisioning, "provisioning")
        if provisioning not in _lib.PROVISIONING:
            raise ValueError("provisioning: %r is not %s" % (provisioning, " or ".join(_lib.PROVISIONING)))
        options.provisioning = _lib.PROVISIONING[provisioning]
        if clock is not None:
            if not callable(clock):
                raise TypeError("clock: expected a callable() -> int, got %s" % type(clock).__name__)
            read = clock

            def tick(payload: Any) -> int:
                try:
                    return _lib.check_int64(int(read()), "clock")
                except Exception:  # an exception cannot cross C; the real time instead
                    return time.time_ns()
            cb = _lib.CLOCK(tick)
            self._callbacks.append(cb)
            options.clock = cb
        if authorizer is not None:
            allow = authorizer

            def authorize(c: Optional[bytes], permission: Optional[bytes], project: Optional[bytes],
                          payload: Any) -> int:
                try:
                    return 1 if allow(_lib.decode(c), _lib.text(permission), _lib.text(project)) else 0
                except Exception:  # an exception cannot cross C; deny
                    return 0
            cb = _lib.AUTHORIZER(authorize)
            self._callbacks.append(cb)
            options.authorizer = cb
        elif policy is not None:
            text = policy if isinstance(policy, str) else json.dumps(_lib.check_json(policy, "policy"))
            handle = ctypes.c_void_p()
            rc = lib.numbering_policy_parse(ctypes.byref(handle), _lib.encode(text, "policy"))
            if rc != 0:
                raise NumberingError.last(rc)
            self._policy = handle
            options.authorizer = _lib.policy_authorize
            options.authorizer_payload = handle
        if on_event is not None:
            deliver = on_event

            def sink(event_json: Optional[bytes], payload: Any) -> None:
                try:
                    deliver(json.loads(_lib.text(event_json)))
                except Exception:
                    pass
            cb = _lib.EVENT_SINK(sink)
            self._callbacks.append(cb)
            options.event_sink = cb
        if encoded_path is not None:
            file_options = _lib.FileOptions()
            rc = lib.numbering_file_options_init(ctypes.byref(file_options), _lib.FILE_OPTIONS_VERSION)
            if rc != 0:
                error = NumberingError.last(rc)
                self._free_policy()
                raise error
            file_options.read_only = 1 if read_only else 0
            file_options.shared_index = 1 if shared_index else 0
            backend = ctypes.c_void_p()
            rc = lib.numbering_file_backend_new(ctypes.byref(backend), encoded_path,
                                                ctypes.byref(file_options))
            if rc != 0:
                error = NumberingError.last(rc)
                self._free_policy()
                raise error
            options.backend = backend  # the store owns it from here, even if open fails
        handle = ctypes.c_void_p()
        rc = lib.numbering_store_open(ctypes.byref(handle), ctypes.byref(options))
        if rc != 0:
            error = NumberingError.last(rc)
            self._free_policy()
            raise error
        self._handle = handle

    # -- lifetime --

    def close(self) -> None:
        """Closes the store; no call may be running on it. Closing twice is harmless."""
        if self._handle is not None:
            _lib.lib.numbering_store_close(self._handle)
            self._handle = None
        self._free_policy()

    def _free_policy(self) -> None:
        if self._policy is not None:
            _lib.lib.numbering_policy_free(self._policy)
            self._policy = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()  # None: an exception from the block goes on

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    # -- the JSON entry point --

    def call(self, method: str, request: Optional[Mapping[str, Any]] = None, caller: Optional[str] = None,
             **params: Any) -> Dict[str, Any]:
        """Calls a method of the JSON entry point (docs/JSON-API.md) and returns the
        response dict. The request is @request (a dict), and/or the fields given as
        keywords, with Python values (str, int, bool, None, lists, dicts): e.g.
        call("ListBillingEntries", parent="projects/p1", page_size=50). A keyword is the
        field's name as the method reads it (the proto methods take snake_case and
        camelCase alike); a field given both ways raises TypeError. @caller overrides the
        store's caller for this call. Raises NumberingError carrying the error body's
        details.

        Every method is also an attribute in snake_case: store.get_billing_account(
        name=...) is call("GetBillingAccount", name=...), and iter_<name> pages
        (iterate())."""
        if self._handle is None:
            raise ValueError("the store is closed")
        _check(**params)
        who = _lib.encode(caller if caller is not None else self.caller, "caller")
        encoded_method = _lib.encode(method, "method")
        body = dict(_lib.check_json(request, "request")) if request is not None else {}
        for key, value in params.items():
            if key in body:
                raise TypeError("%s: the field %s is given twice (in the request and as a keyword)" % (method, key))
            body[key] = value
        text = _lib.encode(json.dumps(body), "request")
        response = ctypes.POINTER(ctypes.c_char)()
        rc = _lib.lib.numbering_store_call_json(ctypes.byref(response), self._handle, who, encoded_method, text)
        if not response:
            raise NumberingError.last(rc)
        try:
            answer = ctypes.string_at(response).decode("utf-8")
        finally:
            _lib.lib.numbering_free(response)
        if rc != 0:
            raise NumberingError.from_body(rc, answer)
        result: Dict[str, Any] = json.loads(answer)
        return result

    def iterate(self, method: str, request: Optional[Mapping[str, Any]] = None, caller: Optional[str] = None,
                items: Optional[str] = None, **params: Any) -> Iterator[Any]:
        """Every item of a listing method, page after page: calls @method with the
        request (as call() does), yields each element of the response's list field
        (@items, or else the one list the response holds), and calls again with
        pageToken set to the response's nextPageToken until there is none; the
        Voximplant methods, which answer {result, total_count} to {count, offset}, are
        asked again with offset moved past the items seen until total_count is reached.
        Lazy: a page is asked for when the one before is used up. A response holding
        several lists without @items raises ValueError naming them."""
        _check(method=method, request=request, caller=caller, items=items, **params)
        body = dict(request) if request is not None else {}
        while True:
            response = self.call(method, body, caller, **params)
            if items is not None:
                values = response.get(items, [])
            else:
                lists = [key for key, value in response.items() if isinstance(value, list)]
                if len(lists) > 1:
                    raise ValueError("%s answers with several lists (%s): name one as items=" %
                                     (method, ", ".join(sorted(lists))))
                values = response[lists[0]] if lists else []
            yield from values
            token = response.get("nextPageToken")
            if token:
                for key in ("page_token", "pageToken"):
                    body.pop(key, None)
                    params.pop(key, None)
                body["pageToken"] = token
                continue
            # The Voximplant methods page by offset: {count, offset} in, {result, total_count} out.
            total = response.get("total_count")
            if not isinstance(total, int) or isinstance(total, bool) or not values:
                return
            offset = params.pop("offset", body.get("offset", 0)) + len(values)
            if offset >= total:
                return
            body["offset"] = offset

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """store.<method in snake_case>(**fields) calls the JSON method (call());
        store.iter_<what>(**fields) iterates a listing (iterate()): iter_billing_entries
        is ListBillingEntries, iter_get_phone_numbers GetPhoneNumbers,
        iter_number_service_active_numbers NumberService_ListActiveNumbers. A method the
        library does not have raises NumberingError UNIMPLEMENTED when called."""
        if name.startswith("iter_") and _SNAKE.match(name[5:] + "_x"):
            what = name[5:]
            prefix = ""
            if what.startswith(_NUMBER_SERVICE):
                prefix, what = "NumberService_", what[len(_NUMBER_SERVICE):]
            if not what.startswith(("list_", "get_")):
                what = "list_" + what
            return functools.partial(self.iterate, prefix + method_name(what))
        if _SNAKE.match(name):
            return functools.partial(self.call, method_name(name))
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    # -- Callback deliveries (include/numbering/outbox.h): for a host that POSTs them --

    def _deliveries(self, fn: Any, max: int, caller: Optional[str]) -> List[Dict[str, Any]]:
        if self._handle is None:
            raise ValueError("the store is closed")
        _lib.check_int(max, "max", 1, 1000)
        who = _lib.encode(caller if caller is not None else self.caller, "caller")
        handle = ctypes.c_void_p()
        rc = fn(ctypes.byref(handle), self._handle, who, max)
        if rc != 0:
            raise NumberingError.last(rc)
        lib = _lib.lib
        try:
            deliveries = []
            for i in range(lib.numbering_delivery_list_count(handle)):
                item = lib.numbering_delivery_list_item(handle, i)
                delivery: Dict[str, Any] = {name: _lib.text(lib.numbering_delivery_text(item, name.encode()))
                                            for name in ("id", "url", "projectId", "body", "signature", "lastError")}
                for name in ("attempts", "createTime", "nextAttemptTime"):
                    delivery[name] = lib.numbering_delivery_int(item, name.encode())
                deliveries.append(delivery)
            return deliveries
        finally:
            lib.numbering_delivery_list_free(handle)

    def claim_deliveries(self, max: int = 100, caller: Optional[str] = None) -> List[Dict[str, Any]]:
        """Claims up to @max (1 .. 1000) due callback deliveries, oldest due first
        (numbering_store_claim_deliveries): each a dict with "id" (the eventId), "url",
        "projectId", "body" (the exact bytes to POST), "signature" (the X-Sinch-Signature
        value, "" for none), "lastError", "attempts" (this claim's, which names it),
        "createTime" and "nextAttemptTime" (ns since 1970). Each counts an attempt and
        is leased to the caller for 300 s: POST it, then report_claimed_delivery(
        d["id"], d["attempts"], delivered). Needs numbering.callbackDeliveries.deliver
        on project "*"."""
        return self._deliveries(_lib.lib.numbering_store_claim_deliveries, max, caller)

    def dead_deliveries(self, max: int = 100, caller: Optional[str] = None) -> List[Dict[str, Any]]:
        """Up to @max (1 .. 1000) dead deliveries, oldest first, as claim_deliveries()
        gives them ("url" with any credential as ***, docs/CALLBACKS.md)."""
        return self._deliveries(_lib.lib.numbering_store_list_dead_deliveries, max, caller)

    def report_claimed_delivery(self, id: str, attempt: int, delivered: bool, error: Optional[str] = None,
                                caller: Optional[str] = None) -> None:
        """Reports how the delivery @id went, naming its claim by @attempt, the
        "attempts" claim_deliveries() gave (numbering_store_report_claimed_delivery):
        @delivered True (a 2xx answer) removes it; False keeps @error ("HTTP 500") and
        retries it after its backoff, or makes it dead at the tenth attempt. A claim
        whose lease ran out while another deliverer claimed the delivery again raises
        NumberingError FAILED_PRECONDITION naming "attempt", and changes nothing: the
        report is the newer claim's. A delivery reported already is NOT_FOUND."""
        if self._handle is None:
            raise ValueError("the store is closed")
        if not isinstance(id, str):
            raise TypeError("id: expected str, got %s" % type(id).__name__)
        encoded_id = _lib.encode(id, "id")
        _lib.check_int(attempt, "attempt", _lib.INT64_MIN, _lib.INT64_MAX)
        _lib.check_bool(delivered, "delivered")
        encoded_error = _lib.encode(error, "error")
        who = _lib.encode(caller if caller is not None else self.caller, "caller")
        rc = _lib.lib.numbering_store_report_claimed_delivery(self._handle, who, encoded_id, attempt,
                                                              1 if delivered else 0, encoded_error)
        if rc != 0:
            raise NumberingError.last(rc)

    # -- PhoneNumberInstances --

    def create(self, parent: str, phone_number: str, instance_id: Optional[str] = None, *,
               request_id: Optional[str] = None, region_code: Optional[str] = None, range_size: Optional[int] = None,
               range_end: Optional[str] = None, **fields: Any) -> Instance:
        """Creates an instance of a number or a range ("+61255501100-99", or a start with
        range_size / range_end). Other instance fields go as keywords in snake_case or
        camelCase: display_name, labels, incoming_call_handler_uris, lifecycle_state="PENDING" ..."""
        _check(parent=parent, phone_number=phone_number, instance_id=instance_id, request_id=request_id,
               region_code=region_code, range_size=range_size, range_end=range_end, **fields)
        instance: Dict[str, Any] = dict(fields)
        instance["phoneNumber"] = {"phoneNumber": phone_number}
        if range_size is not None or range_end is not None:
            instance["range"] = {}
            if range_size is not None:
                instance["range"]["size"] = range_size
            if range_end is not None:
                instance["range"]["endPhoneNumber"] = range_end
        request: Dict[str, Any] = {"parent": parent, "phoneNumberInstance": instance}
        if instance_id is not None:
            request["phoneNumberInstanceId"] = instance_id
        if request_id is not None:
            request["requestId"] = request_id
        if region_code is not None:
            request["regionCode"] = region_code
        return self.call("CreatePhoneNumberInstance", request)

    def get(self, name: str) -> Instance:
        _check(name=name)
        return self.call("GetPhoneNumberInstance", {"name": name})

    def list(self, parent: str, page_size: Optional[int] = None, page_token: Optional[str] = None,
             prefix: Optional[str] = None, include_deleted: bool = False, region_code: Optional[str] = None) -> Page:
        """One page, newest first: a Page (a list of dicts) with .next_page_token."""
        _check(parent=parent, page_size=page_size, page_token=page_token, prefix=prefix, region_code=region_code)
        request: Dict[str, Any] = {"parent": parent}
        if page_size is not None:
            request["pageSize"] = page_size
        if page_token:
            request["pageToken"] = page_token
        if prefix is not None:
            request["prefix"] = prefix
        if include_deleted:
            request["includeDeleted"] = True
        if region_code is not None:
            request["regionCode"] = region_code
        response = self.call("ListPhoneNumberInstances", request)
        return Page(response.get("phoneNumberInstances", []), response.get("nextPageToken", ""))

    def iter(self, parent: str, page_size: Optional[int] = None, **filters: Any) -> Iterator[Instance]:
        """Every instance of @parent, newest first, fetching page after page."""
        _check(parent=parent, page_size=page_size, **filters)  # before the first page is asked for
        token = None
        while True:
            page = self.list(parent, page_size=page_size, page_token=token, **filters)
            yield from page
            token = page.next_page_token
            if not token:
                return

    def resolve(self, phone_number: str, region_code: Optional[str] = None) -> Instance:
        """The instance that owns a dialed number (inside a range included).
        Raises NumberingError NOT_FOUND when it is not ours."""
        _check(phone_number=phone_number, region_code=region_code)
        request: Dict[str, Any] = {"phoneNumber": phone_number}
        if region_code is not None:
            request["regionCode"] = region_code
        return self.call("ResolvePhoneNumber", request)

    def update(self, name: str, update_mask: Optional[str] = None, **fields: Any) -> Instance:
        """Updates the fields in @update_mask ("display_name,labels"; None: the fields given)."""
        _check(name=name, update_mask=update_mask, **fields)
        request: Dict[str, Any] = {"name": name, "phoneNumberInstance": fields}
        if update_mask is None:
            update_mask = ",".join(fields)
        request["updateMask"] = update_mask
        return self.call("UpdatePhoneNumberInstance", request)

    def delete(self, name: str) -> Instance:
        _check(name=name)
        return self.call("DeletePhoneNumberInstance", {"name": name})

    def move(self, name: str, destination_parent: str, regulatory_listing: Optional[str] = None) -> Instance:
        _check(name=name, destination_parent=destination_parent, regulatory_listing=regulatory_listing)
        request: Dict[str, Any] = {"name": name, "destinationParent": destination_parent}
        if regulatory_listing is not None:
            request["regulatoryListing"] = regulatory_listing
        return self.call("MovePhoneNumberInstance", request)

    def split(self, name: str, size: int) -> Tuple[Instance, Instance]:
        """Splits a range after its first @size numbers; returns (first, second)."""
        _check(name=name, size=size)
        response = self.call("SplitRange", {"phoneNumberInstance": name, "size": size})
        return response["first"], response["second"]

    def activate(self, name: str) -> Instance:
        _check(name=name)
        return self.call("ActivatePhoneNumberInstance", {"name": name})

    def suspend(self, name: str) -> Instance:
        _check(name=name)
        return self.call("SuspendPhoneNumberInstance", {"name": name})

    def resume(self, name: str) -> Instance:
        _check(name=name)
        return self.call("ResumePhoneNumberInstance", {"name": name})
