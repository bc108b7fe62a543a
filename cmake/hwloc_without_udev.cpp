// libudev's entry points as a machine without udev answers them, for the static hwloc
// of the portable bundle (cmake/SwlabDependencies.cmake). hwloc's Linux backend opens a
// udev context to read block devices' names during I/O discovery; swlab asks only for
// CPUs, caches and NUMA nodes. udev_new() returning null is hwloc's own path for a
// system without udev (a container), and every other function then has nothing to
// look up, so each answers null as libudev does for a device it cannot find.
extern "C" {
struct udev;
struct udev_device;
udev* udev_new() { return nullptr; }
udev* udev_unref(udev*) { return nullptr; }
udev_device* udev_device_new_from_subsystem_sysname(udev*, const char*, const char*) { return nullptr; }
udev_device* udev_device_unref(udev_device*) { return nullptr; }
const char* udev_device_get_property_value(udev_device*, const char*) { return nullptr; }
}
