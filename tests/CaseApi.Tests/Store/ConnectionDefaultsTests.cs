using CaseApi.Store;
using Npgsql;

namespace CaseApi.Tests.Store;

/// <summary>The driver settings the service adds to a connection string, and the operator's word over them.</summary>
public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void A_plain_connection_string_gets_prepared_statements_no_reset_on_close_and_no_jit()
    {
        var result = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithServiceDefaults("Host=db;Database=cases;Username=api"));

        Assert.Equal(64, result.MaxAutoPrepare);
        Assert.True(result.NoResetOnClose);
        Assert.Equal("-c jit=off", result.Options);
        Assert.Equal("db", result.Host);
        Assert.Equal("cases", result.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;MaxAutoPrepare=0;NoResetOnClose=false")]
    [InlineData("host=db;max auto prepare=0;no reset on close=false")]
    public void Settings_the_connection_string_gives_are_kept(string connectionString)
    {
        // An operator behind PgBouncer in transaction mode turns preparation off and must not be overruled.
        var result = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithServiceDefaults(connectionString));

        Assert.Equal(0, result.MaxAutoPrepare);
        Assert.False(result.NoResetOnClose);
    }

    [Fact]
    public void Session_options_the_connection_string_gives_are_kept_and_jit_is_left_to_them_when_named()
    {
        var withOptions = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithServiceDefaults("Host=db;Options=-c search_path=cases"));
        var withJit = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithServiceDefaults("Host=db;Options=-c jit=on"));

        Assert.Equal("-c search_path=cases -c jit=off", withOptions.Options);
        Assert.Equal("-c jit=on", withJit.Options);
    }
}
