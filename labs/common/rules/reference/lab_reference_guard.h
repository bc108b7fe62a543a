// On the include path of the reference builds (labs/CMakeLists.txt): empty. The
// student builds find labs/common/rules/student/lab_reference_guard.h instead, which
// stops the build: a submission may not include a reference solution.
#pragma once
