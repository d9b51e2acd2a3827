"""The read-only OParl 1.1 interface at /oparl/v1.1/: council data for everyone."""
