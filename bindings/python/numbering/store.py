"""Store: the PhoneNumberInstances service, over the library's JSON entry point
(numbering_store_call_json). Instances are plain dicts in proto3 JSON form, exactly
as docs/JSON-API.md shows them."""
import ctypes
import json

from . import _lib
from .errors import NumberingError


def _check(**params):
    """Refuses a parameter holding a NUL (in a str, or in a key or string of a dict or
    list) with ValueError naming it, before it is put into a request: C would read the
    text only up to the NUL."""
    for name, value in params.items():
        _lib.check_json(value, name)


class Page(list):
    """One page of instances (a list of dicts) with its next_page_token ("" on the last page)."""

    def __init__(self, instances, next_page_token):
        super().__init__(instances)
        self.next_page_token = next_page_token


class Store:
    """A store over a memory backend, or over a file backend when @path is given.

    Args:
        path: a store file (created when absent) to keep the instances in, or None for memory.
        default_region: region of national numbers ("AU"), or None.
        caller: the principal passed to every call ("user:alice"), or None.
        policy: a built-in policy (a dict or its JSON text) that authorizes calls.
        authorizer: a callable(caller, permission, project) -> bool; overrides policy.
        on_event: a callable(event_dict) receiving each event after a commit.
        regulatory_requirements: e.g. "AU:*", or None.
        max_instances: refuse creates and splits past this many instances (deleted ones
            count) with RESOURCE_EXHAUSTED; 0 for no cap.
        read_only: with @path, read a snapshot of the store file as it is now, without
            its lock (so while another process has it open); writes raise
            FAILED_PRECONDITION. The file must exist.

    Every text given (path, caller, policy, method, request fields ...) must be free of
    NUL characters: C would read it only up to the NUL, so one is refused with
    ValueError naming the parameter, as Python's own APIs refuse it.

    A Store may be shared by threads (the library serializes writes and runs reads in
    parallel). Close it with close() or use it as a context manager.
    """

    def __init__(self, path=None, default_region=None, caller=None, policy=None, authorizer=None, on_event=None,
                 regulatory_requirements=None, max_instances=0, read_only=False):
        lib = _lib.lib
        self._handle = None
        self._policy = None
        self._callbacks = []  # keeps the C callbacks alive as long as the store
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
        options.max_instances = max_instances
        if authorizer is not None:
            def authorize(c, permission, project, payload):
                try:
                    return 1 if authorizer(_lib.decode(c), _lib.decode(permission), _lib.decode(project)) else 0
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
            def sink(event_json, payload):
                try:
                    on_event(json.loads(_lib.decode(event_json)))
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

    def close(self):
        """Closes the store; no call may be running on it. Closing twice is harmless."""
        if self._handle is not None:
            _lib.lib.numbering_store_close(self._handle)
            self._handle = None
        self._free_policy()

    def _free_policy(self):
        if self._policy is not None:
            _lib.lib.numbering_policy_free(self._policy)
            self._policy = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- the JSON entry point --

    def call(self, method, request, caller=None):
        """Calls a method of the JSON entry point with a request dict and returns the
        response dict. Raises NumberingError carrying the error body's details."""
        if self._handle is None:
            raise ValueError("the store is closed")
        who = _lib.encode(caller if caller is not None else self.caller, "caller")
        method = _lib.encode(method, "method")
        request = _lib.encode(json.dumps(_lib.check_json(request, "request")), "request")
        response = ctypes.POINTER(ctypes.c_char)()
        rc = _lib.lib.numbering_store_call_json(ctypes.byref(response), self._handle, who, method, request)
        if not response:
            raise NumberingError.last(rc)
        try:
            text = ctypes.string_at(response).decode("utf-8")
        finally:
            _lib.lib.numbering_free(response)
        if rc != 0:
            raise NumberingError.from_body(rc, text)
        return json.loads(text)

    # -- PhoneNumberInstances --

    def create(self, parent, phone_number, instance_id=None, *, request_id=None, region_code=None,
               range_size=None, range_end=None, **fields):
        """Creates an instance of a number or a range ("+61255501100-99", or a start with
        range_size / range_end). Other instance fields go as keywords in snake_case or
        camelCase: display_name, labels, incoming_call_handler_uris, lifecycle_state="PENDING" ..."""
        _check(parent=parent, phone_number=phone_number, instance_id=instance_id, request_id=request_id,
               region_code=region_code, range_size=range_size, range_end=range_end, **fields)
        instance = dict(fields)
        instance["phoneNumber"] = {"phoneNumber": phone_number}
        if range_size is not None or range_end is not None:
            instance["range"] = {}
            if range_size is not None:
                instance["range"]["size"] = range_size
            if range_end is not None:
                instance["range"]["endPhoneNumber"] = range_end
        request = {"parent": parent, "phoneNumberInstance": instance}
        if instance_id is not None:
            request["phoneNumberInstanceId"] = instance_id
        if request_id is not None:
            request["requestId"] = request_id
        if region_code is not None:
            request["regionCode"] = region_code
        return self.call("CreatePhoneNumberInstance", request)

    def get(self, name):
        _check(name=name)
        return self.call("GetPhoneNumberInstance", {"name": name})

    def list(self, parent, page_size=None, page_token=None, prefix=None, include_deleted=False, region_code=None):
        """One page, newest first: a Page (a list of dicts) with .next_page_token."""
        _check(parent=parent, page_size=page_size, page_token=page_token, prefix=prefix, region_code=region_code)
        request = {"parent": parent}
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

    def iter(self, parent, page_size=None, **filters):
        """Every instance of @parent, newest first, fetching page after page."""
        _check(parent=parent, page_size=page_size, **filters)  # before the first page is asked for
        token = None
        while True:
            page = self.list(parent, page_size=page_size, page_token=token, **filters)
            yield from page
            token = page.next_page_token
            if not token:
                return

    def resolve(self, phone_number, region_code=None):
        """The instance that owns a dialed number (inside a range included).
        Raises NumberingError NOT_FOUND when it is not ours."""
        _check(phone_number=phone_number, region_code=region_code)
        request = {"phoneNumber": phone_number}
        if region_code is not None:
            request["regionCode"] = region_code
        return self.call("ResolvePhoneNumber", request)

    def update(self, name, update_mask=None, **fields):
        """Updates the fields in @update_mask ("display_name,labels"; None: the fields given)."""
        _check(name=name, update_mask=update_mask, **fields)
        request = {"name": name, "phoneNumberInstance": fields}
        if update_mask is None:
            update_mask = ",".join(fields)
        request["updateMask"] = update_mask
        return self.call("UpdatePhoneNumberInstance", request)

    def delete(self, name):
        _check(name=name)
        return self.call("DeletePhoneNumberInstance", {"name": name})

    def move(self, name, destination_parent, regulatory_listing=None):
        _check(name=name, destination_parent=destination_parent, regulatory_listing=regulatory_listing)
        request = {"name": name, "destinationParent": destination_parent}
        if regulatory_listing is not None:
            request["regulatoryListing"] = regulatory_listing
        return self.call("MovePhoneNumberInstance", request)

    def split(self, name, size):
        """Splits a range after its first @size numbers; returns (first, second)."""
        _check(name=name, size=size)
        response = self.call("SplitRange", {"phoneNumberInstance": name, "size": size})
        return response["first"], response["second"]

    def activate(self, name):
        _check(name=name)
        return self.call("ActivatePhoneNumberInstance", {"name": name})

    def suspend(self, name):
        _check(name=name)
        return self.call("SuspendPhoneNumberInstance", {"name": name})

    def resume(self, name):
        _check(name=name)
        return self.call("ResumePhoneNumberInstance", {"name": name})
