// cxx_threads.cpp — the C++ standard library's threads over pthreads:
// std::thread, std::mutex (lock inlined into this file) and
// std::condition_variable (wait inside libstdc++), std::this_thread. The
// workers wait for a go signal, then share a counter.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

std::mutex mtx;
std::condition_variable cv;
static bool go;
static int waiting;
static long counter;

static void worker() {
    {
        std::unique_lock<std::mutex> lk(mtx);
        waiting++;
        cv.wait(lk, [] { return go; });
    }
    for (int i = 0; i < 1000; i++) {
        std::lock_guard<std::mutex> g(mtx);
        counter++;
    }
}

int main() {
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; i++) threads.emplace_back(worker);
    // waiting is counted under the lock and the wait releases it: once
    // main sees 3, all three are waiting.
    for (bool all = false; !all; std::this_thread::yield()) {
        std::lock_guard<std::mutex> g(mtx);
        all = waiting == 3;
        go = all;
    }
    cv.notify_all();
    for (auto &t : threads) t.join();
    std::printf("counter %ld\n", counter);
    return counter == 3000 ? 0 : 1;
}
