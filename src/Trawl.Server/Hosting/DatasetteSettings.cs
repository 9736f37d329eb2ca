using System.Globalization;
using Trawl.Store;

namespace Trawl.Server.Hosting;

/// <summary>
/// <c>trawl serve --setting NAME VALUE</c> with Datasette's setting names, mapped onto <see cref="ServerOptions"/>.
/// Only the settings Trawl honours are accepted; any other name is a user error listing them.
/// </summary>
public static class DatasetteSettings
{
    /// <summary>The names accepted.</summary>
    public static readonly IReadOnlyList<string> Names = ["sql_time_limit_ms", "max_returned_rows"];

    /// <summary>A copy of <paramref name="options"/> with the setting applied.</summary>
    public static ServerOptions Apply(ServerOptions options, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number < 1 || number > int.MaxValue)
            throw new UserErrorException($"--setting {name} {value}: give a positive whole number");
        return name switch
        {
            "sql_time_limit_ms" => Copy(options, sqlTimeLimit: TimeSpan.FromMilliseconds(number)),
            "max_returned_rows" => Copy(options, sqlMaxRows: (int)number),
            _ => throw new UserErrorException($"--setting {name}: not a setting Trawl honours (settings: {string.Join(", ", Names)})"),
        };
    }

    private static ServerOptions Copy(ServerOptions o, TimeSpan? sqlTimeLimit = null, int? sqlMaxRows = null) => new()
    {
        Host = o.Host,
        Port = o.Port,
        SqlTimeLimit = sqlTimeLimit ?? o.SqlTimeLimit,
        SqlMaxRows = sqlMaxRows ?? o.SqlMaxRows,
        HeavyWorkSlots = o.HeavyWorkSlots,
        HeavyWorkQueue = o.HeavyWorkQueue,
        ClipModel = o.ClipModel,
        ClipExtras = o.ClipExtras,
        AllowFetch = o.AllowFetch,
        Cors = o.Cors,
        AllowRobots = o.AllowRobots,
        Metadata = o.Metadata,
    };
}
