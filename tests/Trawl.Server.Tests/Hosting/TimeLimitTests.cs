using Trawl.Server.Hosting;
using Trawl.Store;

namespace Trawl.Server.Tests.Hosting;

public sealed class TimeLimitTests
{
    [Fact]
    public async Task Work_that_never_finishes_is_given_up_at_the_limit()
    {
        var never = new TaskCompletionSource<string>();
        var (done, value) = await TimeLimit.WaitAsync(never.Task, TimeSpan.FromMilliseconds(20));
        Assert.False(done);
        Assert.Null(value);
    }

    [Fact]
    public async Task An_exhausted_budget_does_not_wait_at_all()
    {
        var never = new TaskCompletionSource<string>();
        var (done, _) = await TimeLimit.WaitAsync(never.Task, TimeSpan.FromMilliseconds(-5));
        Assert.False(done);
    }

    [Fact]
    public async Task Finished_work_is_returned_even_with_no_time_left()
    {
        var (done, value) = await TimeLimit.WaitAsync(Task.FromResult(42L), TimeSpan.Zero);
        Assert.True(done);
        Assert.Equal(42L, value);
    }

    [Fact]
    public async Task Errors_from_work_that_finished_are_thrown()
    {
        var failed = Task.FromException<long>(new UserErrorException("bad column"));
        await Assert.ThrowsAsync<UserErrorException>(() => TimeLimit.WaitAsync(failed, TimeSpan.FromSeconds(1)));
    }
}
