namespace Trawl.Formats.Parquet.Metadata;

/// <summary>PageType in parquet.thrift.</summary>
internal enum ParquetPageType
{
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
}
