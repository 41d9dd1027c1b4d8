//! Query-string parameters of search pages and the search API, including repeated filters
//! (`?kind=checklist&kind=guidance`), and the parameters of the links that add or remove one
//! of them (`paths::search` writes their URLs).

use crate::search::{
    DEFAULT_LIMIT, Filter, FilterValues, MAX_OFFSET, SearchMode, SearchRequest, Sort,
};

use super::error::AppError;

/// The longest query string accepted, in bytes.
pub const MAX_QUERY_STRING: usize = 8 * 1024;

/// Search parameters as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchParams {
    /// `q`
    pub q: String,
    /// `jurisdiction`, `kind`, `topic` (each repeatable): `filters[Filter::Kind]`.
    pub filters: FilterValues,
    /// `sort`
    pub sort: String,
    /// `mode`: `lexical` to match by words only (the default, `hybrid`, matches by meaning
    /// too when question search is on).
    pub mode: String,
    /// `page` (pages)
    pub page: Option<String>,
    /// `limit` (API)
    pub limit: Option<String>,
    /// `offset` (API)
    pub offset: Option<String>,
    /// `brief` (pages): the entries collected so far for a brief, as `ids` (comma-separated
    /// entry ids), carried from link to link so "Add to brief" works without JavaScript.
    pub brief: String,
}

impl SearchParams {
    /// Parses a raw query string; unknown parameters are ignored.
    pub fn parse(raw: Option<&str>) -> Result<SearchParams, AppError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            return Err(AppError::BadRequest(format!(
                "the query string is too long: at most {MAX_QUERY_STRING} bytes"
            )));
        }
        let mut params = SearchParams::default();
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "q" => params.q = value,
                "sort" => params.sort = value,
                "mode" => params.mode = value,
                "page" => params.page = Some(value),
                "limit" => params.limit = Some(value),
                "offset" => params.offset = Some(value),
                "brief" => params.brief = value,
                name => {
                    if let Some(filter) = Filter::parse(name) {
                        params.filters[filter].push(value);
                    }
                }
            }
        }
        for filter in Filter::ALL {
            let values = &mut params.filters[filter];
            values.retain(|v| !v.trim().is_empty());
            values.dedup();
        }
        Ok(params)
    }

    /// The values of one filter.
    pub fn values(&self, filter: Filter) -> &[String] {
        &self.filters[filter]
    }

    /// The request for these parameters' query, filters and order (the default page size,
    /// from the first result): what a page, the API or the comparison matrix starts from.
    pub fn base_request(&self) -> Result<SearchRequest, AppError> {
        Ok(SearchRequest {
            query: self.q.clone(),
            filters: self.filters.clone(),
            sort: Sort::parse(&self.sort)?,
            mode: SearchMode::parse(self.mode.trim())?,
            ..SearchRequest::default()
        })
    }

    /// The request for a results page of `per_page` results.
    pub fn page_request(&self, per_page: usize) -> Result<SearchRequest, AppError> {
        let page = self.page_number()?;
        let offset = (page - 1).saturating_mul(per_page);
        if offset > MAX_OFFSET {
            return Err(AppError::BadRequest(
                "that page is too far: narrow the search".into(),
            ));
        }
        Ok(SearchRequest {
            limit: per_page,
            offset,
            ..self.base_request()?
        })
    }

    /// The 1-based page number (1 when absent).
    pub fn page_number(&self) -> Result<usize, AppError> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(1),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| AppError::BadRequest("`page` must be a whole number from 1".into())),
        }
    }

    /// The request for the API, with `limit` and `offset`.
    pub fn api_request(&self) -> Result<SearchRequest, AppError> {
        let number = |name: &str, value: &Option<String>, default: usize| match value
            .as_deref()
            .map(str::trim)
        {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .map_err(|_| AppError::BadRequest(format!("`{name}` must be a whole number"))),
        };
        Ok(SearchRequest {
            limit: number("limit", &self.limit, DEFAULT_LIMIT)?,
            offset: number("offset", &self.offset, 0)?,
            ..self.base_request()?
        })
    }

    /// Whether a filter value is active.
    pub fn has(&self, filter: Filter, value: &str) -> bool {
        self.values(filter).iter().any(|v| v == value)
    }

    /// A copy with a filter value added if absent, removed if present; back to page 1.
    pub fn toggled(&self, filter: Filter, value: &str) -> SearchParams {
        let mut next = self.clone();
        let values = &mut next.filters[filter];
        if let Some(at) = values.iter().position(|v| v == value) {
            values.remove(at);
        } else {
            values.push(value.to_owned());
        }
        next.page = None;
        next
    }

    /// A copy on page `page`.
    pub fn on_page(&self, page: usize) -> SearchParams {
        SearchParams {
            page: (page > 1).then(|| page.to_string()),
            ..self.clone()
        }
    }

    /// The entry ids of `brief` that are well formed, each once, in order.
    pub fn brief_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for id in self.brief.split(',').map(str::trim) {
            if crate::playbook::EntryId::parse(id).is_ok() && !ids.iter().any(|i| i == id) {
                ids.push(id.to_owned());
            }
        }
        ids
    }

    /// A copy with `id` added to the brief (if absent), on the same page.
    pub fn with_in_brief(&self, id: &str) -> SearchParams {
        let mut ids = self.brief_ids();
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
        SearchParams {
            brief: ids.join(","),
            ..self.clone()
        }
    }

    /// A copy sorted by `sort` (`relevance` or `date`), back to page 1.
    pub fn sorted_by(&self, sort: &str) -> SearchParams {
        SearchParams {
            sort: if sort == "relevance" {
                String::new()
            } else {
                sort.to_owned()
            },
            page: None,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::paths;

    #[test]
    fn repeated_filters_are_kept_and_toggled() {
        let params = SearchParams::parse(Some("q=guard&kind=checklist&kind=practice&page=2"))
            .expect("parses");
        assert_eq!(params.filters[Filter::Kind], vec!["checklist", "practice"]);
        let removed = params.toggled(Filter::Kind, "checklist");
        assert_eq!(paths::search(&removed), "/search?q=guard&kind=practice");
        let added = params.toggled(Filter::Topic, "policing");
        assert!(paths::search(&added).ends_with("&topic=policing"));
    }

    #[test]
    fn bad_numbers_are_bad_requests() {
        let params = SearchParams::parse(Some("page=0&limit=x")).expect("parses");
        assert!(params.page_request(10).is_err());
        assert!(params.api_request().is_err());
    }
}
