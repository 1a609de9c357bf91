// Version identity. Tools gate features on redis_version (BullMQ wants >= 5, KeyDB's low value
// broke clients), so INFO reports the Redis version whose behaviour we implement, plus our own.
#pragma once

namespace cardinal {
inline constexpr const char* kCardinalVersion = "0.1.0";
inline constexpr const char* kRedisCompatVersion = "7.0.15";
}  // namespace cardinal
