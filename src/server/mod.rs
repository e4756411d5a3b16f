//! The Unix-socket server APISIX workers connect to.
